"""Which plugins' hook implementations the core called during a test.

A test named ``test_hook_<hook>`` (the contract requires one per hook) must make the core
call that hook: calling a plugin's implementation directly, or asserting on a fixture
plugin without going through the core, proves nothing about the core. While such a test
runs (its fixtures' setup included, since apps are usually built there), every plugin
host the test creates is watched, and the test fails when no implementation of the hook
other than the core's own ran.

Two ways the core calls hooks are watched: pluggy's hook callers (per-node hooks, through
``PluginHost.call_for``; seen with pluggy's ``add_hookcall_monitoring``) and
``PluginHost.call_each`` (startup hooks, which calls each plugin's implementation itself).
"""

from collections import defaultdict

import pytest

CORE = "core"
_KEY = pytest.StashKey()


class HookCalls:
    """``hook name → {plugin names}`` whose implementations the core called."""

    def __init__(self):
        self._ran = defaultdict(set)

    def record(self, hook, plugin):
        self._ran[hook].add(plugin)

    def plugins(self, hook):
        """The plugins whose implementation of ``hook`` the core called (``"core"`` included)."""
        return set(self._ran.get(hook, ()))

    def called(self, hook):
        """True when the core called ``hook`` on some plugin other than itself."""
        return bool(self.plugins(hook) - {CORE})


def _watch(monkeypatch, calls):
    """Patch ``PluginHost`` for this test only: hosts created from now on report their calls."""
    from core.plugin_system.host import PluginHost

    original_init, original_call_each = PluginHost.__init__, PluginHost.call_each

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)

        def before(hook_name, hook_impls, _kwargs):
            for impl in hook_impls:
                calls.record(hook_name, impl.plugin_name)

        self.pm.add_hookcall_monitoring(before, lambda *_args: None)

    def call_each(self, hook_name, **kwargs):
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            calls.record(hook_name, impl.plugin_name)
        return original_call_each(self, hook_name, **kwargs)

    monkeypatch.setattr(PluginHost, "__init__", init)
    monkeypatch.setattr(PluginHost, "call_each", call_each)


@pytest.fixture
def hook_calls(monkeypatch):
    """A ``HookCalls`` filled while the test runs: ``hook_calls.plugins("gridwork_usage_figures")``."""
    calls = HookCalls()
    _watch(monkeypatch, calls)
    return calls


def hook_under_test(item):
    """``"gridwork_x"`` for a test named ``test_hook_gridwork_x`` (a real hook), else None."""
    from core.hookspecs import HOOK_NAMES

    name = getattr(item, "originalname", item.name).removeprefix("test_hook_")
    return name if name in HOOK_NAMES and item.name.startswith("test_hook_") else None


@pytest.fixture(autouse=True)
def spy_on_hook_tests(request):
    """Autouse, but idle except in ``test_hook_<hook>`` tests: there it starts the spy before
    every other fixture (autouse fixtures come first), so apps built in fixtures count."""
    if not request.node.name.startswith("test_hook_") or hook_under_test(request.node) is None:
        yield
        return
    with pytest.MonkeyPatch.context() as monkeypatch:
        calls = HookCalls()
        _watch(monkeypatch, calls)
        request.node.stash[_KEY] = calls
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a ``test_hook_<hook>`` test's body passed: fail it if the core never called the hook."""
    result = yield
    calls, hook = item.stash.get(_KEY, None), hook_under_test(item)
    if calls is not None and not calls.called(hook):
        ran = ", ".join(sorted(calls.plugins(hook))) or "no plugin"
        raise AssertionError(
            f"{item.name} passed, but the core never called {hook} on a plugin (called on: {ran}). A hook "
            f"test must make the core call the hook — build an app with a plugin implementing {hook} and do "
            f"what makes the core use it; calling the implementation directly proves nothing."
        )
    return result
