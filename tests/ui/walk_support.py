"""What the first-time walk reads off a page and how it finds the next ones.

The walk follows the links a person sees (menu, lists, "查看" links), one page of each shape
(``/resident_info/17`` stands for every resident), and reads the text a person reads: visible
text, the options of every select, tooltips and placeholders. Text inside ``.code`` elements
is the secondary admin text (an identifier beside its title) and is not read.
"""

import re
from urllib.parse import urljoin, urlsplit

# Links that leave the pages, download a file, sign out or switch the language.
NOT_PAGES = re.compile(r"^/(logout|static/|api/|attachments/)|/(export|download)|\.(csv|xlsx|png|jpe?g|pdf)$")
MAX_PAGES = 60

READ_TEXT = """() => {
  const skip = 'script, style, noscript, template, .code';
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!node.textContent.trim() || element.closest(skip)) continue;
    if (element.closest('option') || element.checkVisibility()) texts.push(node.textContent.trim());
  }
  document.querySelectorAll('[title], [placeholder]').forEach(function (element) {
    if (!element.closest(skip)) texts.push(element.getAttribute('title') || '', element.placeholder || '');
  });
  return texts.join('\\n');
}"""

LINKS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))"


def page_shape(path):
    """``/resident_info/17/history`` → ``/resident_info/N/history``, ``/packages/grid_worker/edit``
    → ``/packages/N/edit``: one visit per shape (the first segment names the module)."""
    return re.sub(r"(?<=.)/(\d+|[a-z0-9]+_[a-z0-9_]+)(?=/|$)", "/N", path)


def next_pages(base_url, hrefs, seen_shapes):
    """Same-site page paths (with their query) not yet seen in shape, in link order."""
    found = []
    for href in hrefs:
        parts = urlsplit(urljoin(base_url + "/", href))
        if parts.netloc != urlsplit(base_url).netloc or NOT_PAGES.search(parts.path) or "lang=" in parts.query:
            continue
        shape = page_shape(parts.path)
        if shape not in seen_shapes:
            seen_shapes.add(shape)
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def codes_in(text, forbidden_words):
    """The codes a person should not read in ``text``: org paths, then the given words (the
    permission and role-package identifiers), each only where it stands as a whole word."""
    found = re.findall(r"(?<![\w/])c\d{2}(?:/[smg]\d{2})*(?![\w/])", text)
    for word in forbidden_words:
        if re.search(rf"(?<![\w.]){re.escape(word)}(?![\w])", text):
            found.append(word)
    return found


def utc_times_in(text, utc_hour):
    """Times written as a machine writes them (ISO with a ``T``, ``+00:00``, "UTC") or at the
    frozen clock's UTC hour — a page that forgot to convert shows 01:00 where 09:00 belongs."""
    iso = re.findall(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|[+-]00:00\b|\bUTC\b", text)
    return iso + re.findall(rf"\d{{4}}-\d{{2}}-\d{{2}} {utc_hour:02d}:\d{{2}}", text)
