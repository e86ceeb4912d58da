#!/usr/bin/env python3
"""Renders a `blurd triage` report.html in headless Chromium and checks it as a browser sees it.

Usage: check-report-html.py REPORT.html --rows N --images M [--screenshot PNG] [--chromium PATH]

Talks to Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: NUL-terminated
JSON on file descriptors 3 and 4), so it needs only the Python standard library. It loads the
page from its file, then checks:
  - the number of clip rows (tbody.clip) is N;
  - every thumbnail <img> (M in all) is lazy, and loads and decodes once made eager;
  - each row's score timeline is an inline SVG;
  - "Soft time" sorts the rows by soft seconds, descending;
  - nothing was written to the console as an error or warning, no exception was thrown, and no
    resource failed to load (e.g. a broken thumbnail link).
It saves a screenshot of the page's first screen (1440x1000) when --screenshot is given.
Exit status: 0 when every check passes, 1 when one fails (each failure on its own line), 2 when
Chromium cannot be started or does not answer within the deadline.
"""
import argparse
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

DEADLINE_SECONDS = 120


class Browser:
    """A headless Chromium and its DevTools pipe."""

    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="blurd-report-chromium-")
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()

        def plumb():
            # Chromium reads commands on fd 3 and writes replies on fd 4.
            read_end, write_end = os.dup(to_browser_read), os.dup(from_browser_write)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--remote-debugging-pipe", "--no-first-run", "--no-default-browser-check",
             "--allow-file-access-from-files", "--hide-scrollbars", "--user-data-dir=" + self.profile,
             "--window-size=1440,1000", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # The pipes' other ends are close-on-exec (os.pipe); only 3 and 4 reach Chromium.
            preexec_fn=plumb, close_fds=False)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer within %d s" % DEADLINE_SECONDS)
            ready, _, _ = select.select([self.from_browser], [], [], 1.0)
            if not ready:
                if self.process.poll() is not None:
                    raise RuntimeError("Chromium exited with status %s" % self.process.returncode)
                continue
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None):
        """Sends a command and returns its result; events that arrive meanwhile are kept."""
        self.next_id += 1
        command = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        os.write(self.to_browser, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError("%s: %s" % (method, message["error"]))
                return message.get("result", {})
            self.events.append(message)

    def wait_for_event(self, method, session):
        deadline = time.monotonic() + DEADLINE_SECONDS
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                return event
        while True:
            message = self._read_message(deadline)
            self.events.append(message)
            if message.get("method") == method and message.get("sessionId") == session:
                return message


# Runs in the page: counts, makes every lazy thumbnail eager and waits for each to load or fail.
CHECK_SCRIPT = r"""
(async () => {
  const rows = document.querySelectorAll("tbody.clip").length;
  const images = Array.from(document.querySelectorAll("figure img"));
  const lazy = images.filter(img => img.getAttribute("loading") === "lazy").length;
  const strips = document.querySelectorAll("tbody.clip svg.strip").length;
  const settled = images.map(img => new Promise(done => {
    if (img.complete && img.naturalWidth > 0) return done();
    img.addEventListener("load", () => done(), {once: true});
    img.addEventListener("error", () => done(), {once: true});
    img.loading = "eager";
  }));
  await Promise.all(settled);
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  const broken = images.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.getAttribute("src"));
  document.querySelector('button[data-sort="soft"]').click();
  const soft = Array.from(document.querySelectorAll("tbody.clip")).map(b => parseFloat(b.dataset.soft));
  const softSorted = soft.every((value, index) => index === 0 || soft[index - 1] >= value);
  document.querySelector('button[data-sort="worst"]').click();
  const bytes = document.documentElement.outerHTML.length;
  return JSON.stringify({rows, images: images.length, lazy, strips, broken, softSorted, mostSoft: soft.slice(0, 5),
                         bytes, title: document.title});
})()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report")
    parser.add_argument("--rows", type=int, required=True, help="clip rows expected")
    parser.add_argument("--images", type=int, required=True, help="thumbnails expected")
    parser.add_argument("--strips", type=int, help="score timelines expected (default: not checked)")
    parser.add_argument("--screenshot", help="PNG of the first screen")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    options = parser.parse_args()
    if not options.chromium:
        print("check-report-html: no chromium on PATH (Debian package chromium; scripts/install-deps.sh installs it)",
              file=sys.stderr)
        return 2
    url = "file://" + os.path.abspath(options.report)

    try:
        browser = Browser(options.chromium)
    except OSError as error:
        print("check-report-html: cannot start %s: %s" % (options.chromium, error), file=sys.stderr)
        return 2
    failures = []
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            browser.send(domain + ".enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": 1440, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session=session)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for_event("Page.loadEventFired", session)
        result = browser.send("Runtime.evaluate", {"expression": CHECK_SCRIPT, "awaitPromise": True,
                                                   "returnByValue": True}, session=session)
        if "exceptionDetails" in result:
            failures.append("the check script failed: %s" % json.dumps(result["exceptionDetails"])[:500])
            page = {}
        else:
            page = json.loads(result["result"]["value"])
        if options.screenshot:
            browser.send("Runtime.evaluate", {"expression": "window.scrollTo(0, 0)"}, session=session)
            shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
            with open(options.screenshot, "wb") as file:
                file.write(base64.b64decode(shot["data"]))
        # Let late console messages and load failures arrive: a round trip flushes them.
        browser.send("Runtime.evaluate", {"expression": "1"}, session=session)
    except (TimeoutError, RuntimeError) as error:
        print("check-report-html: %s" % error, file=sys.stderr)
        browser.close()
        return 2
    browser.close()

    for event in browser.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
            failures.append("console %s: %s" % (params["type"], text))
        elif method == "Runtime.exceptionThrown":
            failures.append("exception: %s" % params.get("exceptionDetails", {}).get("text", params))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
            entry = params["entry"]
            failures.append("log %s: %s %s" % (entry["level"], entry.get("text", ""), entry.get("url", "")))

    if page:
        if page["rows"] != options.rows:
            failures.append("%d clip rows, expected %d" % (page["rows"], options.rows))
        if page["images"] != options.images:
            failures.append("%d thumbnails, expected %d" % (page["images"], options.images))
        if page["lazy"] != page["images"]:
            failures.append("%d of %d thumbnails are not loading=lazy" % (page["images"] - page["lazy"], page["images"]))
        if page["broken"]:
            failures.append("%d thumbnails did not load: %s" % (len(page["broken"]), ", ".join(page["broken"][:10])))
        if options.strips is not None and page["strips"] != options.strips:
            failures.append("%d score timelines, expected %d" % (page["strips"], options.strips))
        if not page["softSorted"]:
            failures.append("sorting by soft time did not order the rows by soft seconds")
    print(json.dumps({"page": page, "failures": failures}))
    for failure in failures:
        print("check-report-html: " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
