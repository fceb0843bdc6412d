"""The per-app event bus: which event types exist, who subscribes, and the embedded
dispatcher thread that delivers events inside the web process."""

import atexit
import logging
import os
import threading

from core.api.validation import compiled
from core.events.schema_check import compile_schema_check
from core.events.types import EventHandler, EventType, MatchingHandler, check_name

log = logging.getLogger(__name__)


class EventBus:
    """Registries are filled during ``create_app`` (by the plugin loader) and only read
    afterwards, so they need no lock."""

    def __init__(self, app, dispatcher_factory):
        """``dispatcher_factory(app, owner_suffix=…)`` builds the embedded dispatcher
        (``core.events.dispatch.Dispatcher``): passed in, so the bus never imports its own
        consumer."""
        self.app = app
        self.dispatcher_factory = dispatcher_factory
        self.types = {}  # name -> EventType
        self.validators = {}  # name -> compiled JSON Schema validator
        self.quick_checks = {}  # name -> fast yes/no check, or None (schema_check.py)
        self.handlers = {}  # handler name -> EventHandler
        self.subscribers = {}  # event type -> (handler name, ...)
        self.matching = ()  # MatchingHandler, ... (asked at each publish)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self._thread_pid = None
        self._start_lock = threading.Lock()

    # ------------------------------------------------------------ registration

    def register_type(self, event_type):
        if not isinstance(event_type, EventType):
            raise TypeError("register_event_type() 需要 EventType")
        check_name("事件类型", event_type.name, event_type.plugin)
        if event_type.name in self.types:
            owner = self.types[event_type.name].plugin
            raise ValueError(f"事件类型“{event_type.name}”重复声明（已由模块“{owner}”声明）。")
        if not isinstance(event_type.schema, dict):
            raise ValueError(f"事件类型“{event_type.name}”的数据结构（JSON Schema）必须是对象。")
        # Compiled now, once: building a validator costs far more than using one.
        self.validators[event_type.name] = compiled(event_type.schema)
        self.quick_checks[event_type.name] = compile_schema_check(event_type.schema)
        self.types[event_type.name] = event_type

    def register_handler(self, handler):
        if isinstance(handler, MatchingHandler):
            return self._register_matching(handler)
        if not isinstance(handler, EventHandler):
            raise TypeError("register_handler() 需要 EventHandler 或 MatchingHandler")
        self._check_handler_name(handler)
        if handler.event_type not in self.types:
            raise ValueError(f"事件处理器“{handler.name}”订阅了未声明的事件类型“{handler.event_type}”。")
        if not callable(handler.handler):
            raise ValueError(f"事件处理器“{handler.name}”的 handler 不可调用。")
        self.handlers[handler.name] = handler
        self.subscribers[handler.event_type] = (*self.subscribers.get(handler.event_type, ()), handler.name)

    def _check_handler_name(self, handler):
        check_name("事件处理器", handler.name, handler.plugin)
        if handler.name in self.handlers:
            raise ValueError(f"事件处理器“{handler.name}”重复注册。")

    def _register_matching(self, handler):
        self._check_handler_name(handler)
        if not callable(handler.handler) or not callable(handler.wants):
            raise ValueError(f"事件处理器“{handler.name}”的 handler 和 wants 都必须可调用。")
        self.handlers[handler.name] = handler
        self.matching = (*self.matching, handler)

    def subscribers_of(self, event_type):
        """Names of the handlers an event of ``event_type`` is delivered to: its fixed
        subscribers, then every matching handler that wants it now."""
        fixed = self.subscribers.get(event_type, ())
        if not self.matching:
            return fixed
        return fixed + tuple(handler.name for handler in self.matching if handler.wants(event_type))

    # ------------------------------------------------------------ embedded dispatcher

    def wake(self):
        """A publish committed: let the embedded dispatcher look now instead of at its next poll."""
        self._wake.set()

    def start_embedded(self):
        """Start the in-process dispatcher thread once per process (a fork gets its own)."""
        if self._thread is not None and self._thread_pid == os.getpid() and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is not None and self._thread_pid == os.getpid() and self._thread.is_alive():
                return
            self._stop.clear()
            dispatcher = self.dispatcher_factory(self.app, owner_suffix="embedded")
            self._thread = threading.Thread(
                target=dispatcher.run, args=(self._stop, self._wake), name="gridwork-events", daemon=True
            )
            self._thread_pid = os.getpid()
            self._thread.start()
            atexit.register(self.stop)
            log.info("embedded event dispatcher started")

    def stop(self, timeout=10):
        """Stop the embedded thread after its current delivery (its unstarted claims are released)."""
        thread = self._thread
        if thread is None or self._thread_pid != os.getpid():
            return
        self._stop.set()
        self._wake.set()
        thread.join(timeout)
        self._thread = None

    @property
    def embedded_running(self):
        return self._thread is not None and self._thread.is_alive()


def embedded_enabled(config):
    return bool(config.get("EVENTS_EMBEDDED_DISPATCHER", not config.get("TESTING", False)))


def start_embedded_before_request(bus):
    """A ``before_request`` hook: the thread starts with the first request, never during
    CLI commands such as ``gridwork db upgrade`` (whose database may not have the tables yet)."""

    def start():
        if embedded_enabled(bus.app.config):
            bus.start_embedded()

    return start
