#!/usr/bin/env python3
"""Opens every page of the built book in headless Chromium and checks what a reader would see.

Called by `ci/browser-check`, which builds the book first. Python's standard library only: the
browser is driven over the Chrome DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON
messages ending in a NUL byte, on file descriptors 3 and 4), so no websocket client and no npm
package is needed.

For every page, in every theme asked for, it fails on:
  - a local link to a page or file that is not in the build, or to a `#fragment` no element has;
  - an image that did not load, or any local request the server answered with an error;
  - an unresolved mdbook directive (`{{#include ...}}` left in the page);
  - a script error (an uncaught exception, `console.error`, or an error in the browser's log);
  - a heading inside a collapsed hint (`<details>`) that the sidebar lists;
  - a table wider than the content column at a 1280 px window (its scrollWidth against its
    wrapper's clientWidth);
  - an SVG image whose smallest text renders under 11 px (the SVG file's smallest font size ×
    rendered width ÷ the width it is drawn for, its viewBox), and the same for inline diagrams.
Layout problems are reported once per page, whatever the theme.
It saves a screenshot of each page, and of each diagram, to the screenshot folder.

Before that, `browser_check.py --includes SRC_DIR` checks the book's sources: every
`{{#include file:anchor}}` names a file that exists and an anchor that file has (mdbook includes a
missing anchor as nothing, without a word). `book_fit.py` beside it holds the checks that need no
browser (no table over 7 columns, no code line over 100 columns) and the text-size rule.

Usage: browser_check.py BOOK_DIR SCREENSHOT_DIR CHROMIUM [THEME ...]
       browser_check.py --includes SRC_DIR
"""

import fcntl
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from base64 import b64decode

import book_fit

WIDTH, HEIGHT = 1280, 900
PAGE_TIMEOUT_S = 30
DIRECTIVE = re.compile(r"\{\{#(include|rustdoc_include|playground|template|title)\b[^}]*\}\}")

# What the page reports about itself once loaded: every link, image and diagram.
INSPECT_JS = r"""
(() => {
  const links = [...document.querySelectorAll('a[href]')].map(a => ({
    href: a.getAttribute('href'), resolved: a.href }));
  const images = [...document.images].map(img => ({
    src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0 }));
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const diagrams = [...document.querySelectorAll('figure.diagram')].map(f => {
    const svg = f.querySelector('svg');
    const r = f.getBoundingClientRect();
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width,
             height: r.height, svgWidth: box.width, svgHeight: box.height };
  });
  // Headings inside a collapsed <details> (the hints) that the sidebar lists anyway.
  const sidebar = [...document.querySelectorAll('.sidebar a[href*="#"], #mdbook-sidebar a[href*="#"]')]
    .map(a => decodeURIComponent(a.getAttribute('href').split('#')[1] || ''));
  const hintsInSidebar = [...document.querySelectorAll('details [id]')]
    .filter(h => /^H[1-6]$/.test(h.tagName) && sidebar.includes(h.id)).map(h => h.textContent.trim());
  // Layout at this window: each table against the column it sits in, each SVG image's rendered
  // width, and the smallest text of each inline diagram as rendered.
  const column = document.querySelector('main') || document.body;
  const tables = [...column.querySelectorAll('table')].map((t, i) => {
    const box = t.closest('.table-wrapper') || t.parentElement;
    const previous = box.previousElementSibling;
    const before = previous ? (previous.innerText || previous.textContent || '') : '';
    return { index: i + 1, width: Math.max(t.scrollWidth, t.getBoundingClientRect().width),
             available: Math.min(box.clientWidth, column.clientWidth),
             columns: t.rows.length ? t.rows[0].cells.length : 0,
             header: [...t.querySelectorAll('th')].slice(0, 3).map(c => c.textContent.trim()),
             caption: before.trim().replace(/\s+/g, ' ').slice(0, 60) };
  });
  const svgImages = [...document.images].filter(img => /\.svg$/i.test(new URL(img.src).pathname))
    .map(img => ({ src: img.getAttribute('src'), resolved: img.src,
                   width: img.getBoundingClientRect().width }));
  const diagramText = [...document.querySelectorAll('figure.diagram svg')].map((svg, i) => {
    const drawn = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width
      ? svg.viewBox.baseVal.width : svg.getBoundingClientRect().width;
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize))
      .filter(x => x > 0);
    const title = svg.querySelector('title');
    return { index: i + 1, label: title ? title.textContent.trim().slice(0, 60) : '',
             smallest: sizes.length ? Math.min(...sizes) : null,
             px: sizes.length ? Math.min(...sizes) * svg.getBoundingClientRect().width / drawn : null,
             width: svg.getBoundingClientRect().width, drawn };
  });
  return JSON.stringify({ links, images, ids, diagrams, hintsInSidebar, tables, svgImages, diagramText,
                          theme: document.documentElement.className });
})()
"""


class Browser:
    """Chromium with the DevTools protocol on a pipe."""

    def __init__(self, chromium, profile):
        to_browser = os.pipe()  # we write [1]; the browser reads it as fd 3
        from_browser = os.pipe()  # the browser writes it as fd 4; we read [0]
        # Move the child's ends out of the way of 3 and 4 before placing them there.
        child_in = fcntl.fcntl(to_browser[0], fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_browser[1], fcntl.F_DUPFD, 10)
        os.close(to_browser[0])
        os.close(from_browser[1])

        def place_fds():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        args = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--mute-audio",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=place_fds,
            pass_fds=(3, 4),
        )
        os.close(child_in)
        os.close(child_out)
        self.writer = os.fdopen(to_browser[1], "wb", buffering=0)
        self.reader = os.fdopen(from_browser[0], "rb", buffering=0)
        self.next_id = 0
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.replies = {}
        self.events = []
        self.closed = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buffer = b""
        while True:
            chunk = self.reader.read(65536)
            if not chunk:
                break
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self.changed:
                    if "id" in message:
                        self.replies[message["id"]] = message
                    else:
                        self.events.append(message)
                    self.changed.notify_all()
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def send(self, method, params=None, session=None, timeout=PAGE_TIMEOUT_S):
        with self.lock:
            self.next_id += 1
            ident = self.next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.writer.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self.changed:
            while ident not in self.replies:
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    raise RuntimeError(f"no answer from the browser to {method} within {timeout} s")
                self.changed.wait(left)
            reply = self.replies.pop(ident)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def wait_for(self, method, session, timeout=PAGE_TIMEOUT_S):
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for event in self.events:
                    if event.get("method") == method and event.get("sessionId") == session:
                        return event
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    raise RuntimeError(f"{method} did not come within {timeout} s")
                self.changed.wait(left)

    def take_events(self, session):
        with self.lock:
            mine = [e for e in self.events if e.get("sessionId") == session]
            self.events = [e for e in self.events if e.get("sessionId") != session]
        return mine

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except (RuntimeError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the book; remembers every request it answered with an error."""

    failures = []

    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        QuietHandler.failures.append((code, urllib.parse.unquote(self.path)))
        super().send_error(code, message, explain)


def serve(root):
    handler = functools.partial(QuietHandler, directory=root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def page_ids(root, relative, cache):
    """The ids of a built page, read from its file (for links into other pages)."""
    if relative not in cache:
        path = os.path.join(root, relative)
        text = open(path, encoding="utf-8").read() if os.path.isfile(path) else ""
        cache[relative] = set(re.findall(r'\sid="([^"]+)"', text))
    return cache[relative]


def check_page(browser, root, base, relative, theme, shots, id_cache):
    """Opens one page in one theme; returns (problems, facts)."""
    problems = []
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"
    ]
    try:
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        # The theme, as mdbook stores a reader's choice; print.html must not open a print dialog.
        browser.send(
            "Page.addScriptToEvaluateOnNewDocument",
            {
                "source": f"try {{ localStorage.setItem('mdbook-theme', '{theme}'); }} catch (e) {{}}\n"
                "window.print = () => {};"
            },
            session=session,
        )
        url = base + urllib.parse.quote(relative)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired", session)
        browser.send(
            "Runtime.evaluate",
            {
                "expression": "document.fonts.ready.then(() => new Promise(r => setTimeout(r, 300)))",
                "awaitPromise": True,
            },
            session=session,
        )
        result = browser.send(
            "Runtime.evaluate", {"expression": INSPECT_JS, "returnByValue": True}, session=session
        )
        facts = json.loads(result["result"]["value"])

        # Script errors and failed loads, as the browser reported them.
        for event in browser.take_events(session):
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                text = details.get("exception", {}).get("description") or details.get("text")
                problems.append(f"script error: {text}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                args = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                problems.append(f"console.error: {args}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                if entry.get("url", "").endswith("/favicon.ico"):
                    continue  # a page without an icon link (toc.html): the browser asks anyway
                problems.append(f"browser log: {entry.get('text')} ({entry.get('url', '')})")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                problems.append(f"a request failed: {params.get('errorText')}")

        # Links: a local page or file must exist; a fragment must name an element.
        here = urllib.parse.urlsplit(url)
        for link in facts["links"]:
            resolved = urllib.parse.urlsplit(link["resolved"])
            if resolved.scheme not in ("http", "https") or resolved.netloc != here.netloc:
                continue  # external, mailto:, javascript:
            path = urllib.parse.unquote(resolved.path).lstrip("/")
            if path == "" or path.endswith("/"):
                path += "index.html"
            if not os.path.isfile(os.path.join(root, path)):
                problems.append(f"broken link: {link['href']} (no {path} in the build)")
                continue
            fragment = urllib.parse.unquote(resolved.fragment)
            if fragment and path.endswith(".html"):
                # A bare "#id" names this page (404.html sets a <base> that would say otherwise).
                same_page = path == relative or link["href"].startswith("#")
                ids = set(facts["ids"]) if same_page else page_ids(root, path, id_cache)
                if fragment not in ids:
                    problems.append(f"broken link: {link['href']} (no #{fragment} in {path})")
        for heading in facts["hintsInSidebar"]:
            problems.append(f"a hint's heading is listed in the sidebar: {heading!r}")
        for image in facts["images"]:
            if not image["ok"]:
                problems.append(f"broken image: {image['src']}")
        for i, diagram in enumerate(facts["diagrams"], 1):
            if diagram["svgWidth"] < 100 or diagram["svgHeight"] < 50:
                problems.append(f"diagram {i} did not render (its svg is {diagram['svgWidth']:.0f}×{diagram['svgHeight']:.0f})")

        # Screenshots: the top of the page, then every diagram.
        stem = relative[: -len(".html")].replace("/", "__")
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
        with open(os.path.join(shots, f"{stem}.{theme}.png"), "wb") as out:
            out.write(b64decode(shot["data"]))
        for i, diagram in enumerate(facts["diagrams"], 1):
            clip = {
                "x": max(diagram["x"] - 8, 0),
                "y": max(diagram["y"] - 8, 0),
                "width": diagram["width"] + 16,
                "height": diagram["height"] + 16,
                "scale": 1,
            }
            shot = browser.send(
                "Page.captureScreenshot",
                {"format": "png", "clip": clip, "captureBeyondViewport": True},
                session=session,
            )
            with open(os.path.join(shots, f"{stem}.{theme}.diagram-{i}.png"), "wb") as out:
                out.write(b64decode(shot["data"]))
        return problems, facts
    finally:
        browser.send("Target.closeTarget", {"targetId": target})


def layout_problems(root, page, facts):
    """What does not fit the page at this window: a table wider than its column, an SVG image or
    an inline diagram whose smallest text renders under book_fit.MIN_TEXT_PX."""
    problems = []
    for table in facts["tables"]:
        if table["width"] > table["available"] + 1:
            problems.append(
                f"table {table['index']} ({table['columns']} columns: {' | '.join(table['header'])} …; "
                f"after {table['caption']!r}) is {table['width']:.0f} px wide in a "
                f"{table['available']:.0f} px column at a {WIDTH} px window"
            )
    for image in facts["svgImages"]:
        path = os.path.join(root, urllib.parse.unquote(urllib.parse.urlsplit(image["resolved"]).path).lstrip("/"))
        if os.path.isfile(path):
            problem = book_fit.image_text_problem(page, image["src"], path, image["width"])
            if problem:
                problems.append(problem)
    for diagram in facts["diagramText"]:
        if diagram["px"] is not None and diagram["px"] < book_fit.MIN_TEXT_PX:
            problems.append(
                f"diagram {diagram['index']} ({diagram['label'] or 'inline svg'}): its smallest text "
                f"renders at {diagram['px']:.1f} px (at least {book_fit.MIN_TEXT_PX:g}): font size "
                f"{diagram['smallest']:.1f} × {diagram['width']:.0f} px shown ÷ {diagram['drawn']:.0f} drawn"
            )
    return problems


def check_includes(src):
    """Every include in the sources names an existing file and, if any, an existing anchor."""
    problems = 0
    include = re.compile(r"\{\{#(?:include|rustdoc_include) ([^}:\s]+)(?::([^}\s]+))?\s*\}\}")
    for directory, _, files in os.walk(src):
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            page = os.path.join(directory, name)
            for match in include.finditer(open(page, encoding="utf-8").read()):
                target = os.path.normpath(os.path.join(directory, match.group(1)))
                anchor = match.group(2)
                where = os.path.relpath(page, src)
                if not os.path.isfile(target):
                    print(f"FAIL {where}: includes {match.group(1)}, which does not exist")
                    problems += 1
                elif anchor and not re.fullmatch(r"[0-9:]+", anchor):
                    text = open(target, encoding="utf-8").read()
                    if not re.search(r"ANCHOR:\s*" + re.escape(anchor) + r"\b", text):
                        print(f"FAIL {where}: includes {match.group(1)}:{anchor}, which has no such anchor")
                        problems += 1
    print(f"browser-check: includes in {src}: {'no problems' if not problems else f'{problems} problems'}")
    return 1 if problems else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--includes":
        return check_includes(sys.argv[2])
    if len(sys.argv) < 4:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    root, shots, chromium = sys.argv[1], sys.argv[2], sys.argv[3]
    themes = sys.argv[4:] or ["light"]
    os.makedirs(shots, exist_ok=True)

    pages = sorted(
        os.path.relpath(os.path.join(d, f), root)
        for d, _, files in os.walk(root)
        for f in files
        if f.endswith(".html")
    )
    failures = 0

    # Unresolved directives are in the built files themselves: mdbook leaves them as text.
    for page in pages:
        text = open(os.path.join(root, page), encoding="utf-8").read()
        for match in DIRECTIVE.finditer(text):
            print(f"FAIL {page}: unresolved mdbook directive {match.group(0)}")
            failures += 1

    # The browser first: it is started with a preexec_fn, which wants no other thread running yet.
    profile = tempfile.mkdtemp(prefix="browser-check-profile-")
    browser = Browser(chromium, profile)
    server = serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    id_cache = {}
    layout_seen = set()
    try:
        browser.send("Browser.getVersion")
        for page in pages:
            for theme in themes:
                QuietHandler.failures.clear()
                try:
                    problems, facts = check_page(browser, root, base, page, theme, shots, id_cache)
                except RuntimeError as error:
                    problems, facts = [f"could not check the page: {error}"], None
                for code, path in QuietHandler.failures:
                    if path != "/favicon.ico":
                        problems.append(f"the server answered {code} for {path}")
                # toc.html is the sidebar for readers without JavaScript: it has no theme of its own.
                if facts and page != "toc.html" and theme not in facts["theme"].split():
                    problems.append(f"the page did not take the theme {theme} (html class: {facts['theme']!r})")
                # Layout is the same in every theme: each problem once per page. print.html
                # repeats every chapter, toc.html is the sidebar: their own pages report them.
                if facts and page not in ("print.html", "toc.html"):
                    for problem in layout_problems(root, page, facts):
                        if (page, problem) not in layout_seen:
                            layout_seen.add((page, problem))
                            problems.append(problem)
                problems = list(dict.fromkeys(problems))  # a resource asked for twice fails twice
                if problems:
                    failures += len(problems)
                    for problem in problems:
                        print(f"FAIL {page} [{theme}]: {problem}")
                else:
                    local = sum(1 for l in facts["links"] if not re.match(r"[a-z]+:", l["href"]))
                    print(
                        f"ok   {page} [{theme}]: {local} local links, {len(facts['images'])} images, "
                        f"{len(facts['diagrams'])} diagrams, {len(facts['tables'])} tables"
                    )
    finally:
        browser.close()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)

    checked = len(pages) * len(themes)
    print(f"\nbrowser-check: {len(pages)} pages × {len(themes)} themes = {checked} page views; "
          f"screenshots in {shots}")
    if failures:
        print(f"browser-check: {failures} problems")
        return 1
    print("browser-check: no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
