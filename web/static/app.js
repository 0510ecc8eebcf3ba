/* Referendum QA: asks without a reload. The form is a plain GET form that the server answers
   with a whole page (web/templates/_results.html); this script fetches that same page and
   swaps its #results in, so one renderer serves both paths and they cannot drift apart.
   It also keeps keyboard focus where the reader is, copies links and citations, sends
   "Did this passage answer your question?" to the JSON API, opens every "show context"
   for printing, and, in the widget, reports its height to the host page (only to the
   origin embed.js gave it). */
(function () {
  "use strict";
  var configNode = document.getElementById("qa-config");
  if (!configNode) return;
  var cfg = JSON.parse(configNode.textContent);
  var S = cfg.strings;
  var widget = cfg.view === "widget";
  var form = document.getElementById("ask-form");
  var input = document.getElementById("q");
  var statusNode = document.getElementById("status");
  var resultsNode = document.getElementById("results");
  var button = form.querySelector(".ask-button");
  var canCopy = !!(navigator.clipboard && window.isSecureContext);
  var busy = false;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* Copy buttons come hidden from the server (they need the clipboard, so a script). */
  function revealCopyButtons(root) {
    if (!canCopy) return;
    root.querySelectorAll("button[data-copy-text][hidden]").forEach(function (b) { b.hidden = false; });
  }

  /* A fresh text node after a tick, so that screen readers announce a repeat too. */
  function announce(text) {
    statusNode.textContent = "";
    window.setTimeout(function () { statusNode.textContent = text; }, 50);
  }

  /* Busy: the button keeps focus and says it is unavailable (aria-disabled), instead of
     being disabled, which would drop focus to <body>. */
  function setBusy(on) {
    busy = on;
    if (on) {
      button.setAttribute("aria-disabled", "true");
      resultsNode.setAttribute("aria-busy", "true");
    } else {
      button.removeAttribute("aria-disabled");
      resultsNode.removeAttribute("aria-busy");
    }
    statusNode.classList.toggle("sr-only", !on);
  }

  function setIntro(visible) {
    document.querySelectorAll(".intro").forEach(function (node) { node.hidden = !visible; });
  }

  /* The address the GET form would load: the question plus the form's hidden fields
     (lang, and in the widget its theme and origin). */
  function urlFor(q) {
    var params = new URLSearchParams(new FormData(form));
    params.set("q", q);
    return form.getAttribute("action") + "?" + params.toString();
  }

  /* Links whose address carries the question: the language switcher, "Open the full page". */
  function takeLinks(doc) {
    document.querySelectorAll("a[data-lang-link], a.full-page").forEach(function (link) {
      var selector = link.hasAttribute("data-lang-link")
        ? 'a[data-lang-link="' + link.getAttribute("data-lang-link") + '"]' : "a.full-page";
      var fresh = doc.querySelector(selector);
      if (fresh) link.setAttribute("href", fresh.getAttribute("href"));
    });
  }

  function show(nodes, status) {
    resultsNode.replaceChildren.apply(resultsNode, nodes);
    revealCopyButtons(resultsNode);
    setBusy(false);
    announce(status);
    var heading = document.getElementById("results-h");
    if (heading) heading.focus();
  }

  /* An error is never a dead end: "Try again" asks the same question once more. */
  function showError(message, q) {
    var children = [el("h2", { id: "results-h", tabindex: "-1" }, [S.error_heading]), el("p", {}, [message])];
    if (q) {
      var retry = el("button", { type: "button", "class": "retry" }, [S.retry]);
      retry.addEventListener("click", function () { ask(q, null); });
      children.push(el("p", {}, [retry]));
    }
    show([el("div", { "class": "state state-error", role: "alert" }, children)], message);
  }

  function ask(q, historyMode) {
    if (busy) return;
    var url = urlFor(q);
    setBusy(true);
    setIntro(false);
    announce(S.status_loading);
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" }).then(function (response) {
      if (response.status === 429) { showError(S.error_too_many, q); return; }
      return response.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("results");
        if (!fresh) { showError(S.error_network, q); return; }
        /* The widget lives inside someone else's page: it must not fill their back button. */
        if (historyMode === "push") history.pushState({ q: q }, "", url);
        else if (historyMode === "replace") history.replaceState({ q: q }, "", url);
        document.title = doc.title;
        takeLinks(doc);
        var status = doc.getElementById("status");
        show(Array.prototype.map.call(fresh.childNodes, function (node) {
          return document.importNode(node, true);
        }), status ? status.textContent : "");
      });
    }).catch(function () {
      showError(S.error_network, q);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    ask(input.value, widget ? "replace" : "push");
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var link = event.target.closest("a.example");
    if (link && !(event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0)) {
      event.preventDefault();
      input.value = link.getAttribute("data-q");
      ask(input.value, widget ? "replace" : "push");
      return;
    }
    var copy = event.target.closest("button[data-copy-text]");
    if (copy) copyText(copy);
  });

  /* "Copy citation" and "Copy link": the button keeps focus and says it is done. */
  function copyText(copy) {
    var text = copy.getAttribute("data-copy-text");
    var label = copy.getAttribute("data-label") || copy.textContent;
    copy.setAttribute("data-label", label);
    navigator.clipboard.writeText(text).then(function () {
      copy.textContent = S.copy_done;
      announce(S.copy_done);
      window.setTimeout(function () { copy.textContent = label; }, 4000);
    }, function () {
      copy.textContent = S.copy_failed;
      if (!copy.nextElementSibling || !copy.nextElementSibling.classList.contains("copy-fallback")) {
        copy.insertAdjacentElement("afterend", el("p", { "class": "copy-fallback" }, [text]));
      }
    });
  }

  window.addEventListener("popstate", function () {
    var q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    if (q) { ask(q, null); return; }
    resultsNode.replaceChildren();
    statusNode.textContent = "";
    setIntro(true);
    document.title = cfg.baseTitle;
  });

  /* "Did this passage answer your question?": the JSON API with JS on; the form posts
     without it. Focus moves to the thank-you line that replaces the buttons. */
  resultsNode.addEventListener("submit", function (event) {
    var target = event.target;
    if (!target.classList.contains("feedback")) return;
    event.preventDefault();
    if (target.hasAttribute("data-sending")) return;
    target.setAttribute("data-sending", "");
    var data = new FormData(target);
    var submitter = event.submitter;
    var body = {
      q: data.get("q"),
      passage_id: data.get("passage_id") || null,
      helpful: submitter ? submitter.value === "yes" : false,
      lang: data.get("lang"),
      index_version: data.get("index_version")
    };
    target.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
    function done(ok) {
      var note = el("p", { "class": ok ? "feedback-thanks" : "feedback-failed", role: "status", tabindex: "-1" },
        [ok ? S.feedback_thanks : S.feedback_failed]);
      var after = [note];
      if (ok && !body.helpful) {
        /* "No": the next step, as the server renders it without JavaScript. */
        var link = el("a", { href: cfg.officialUrl, rel: "noopener" }, [cfg.officialHost]);
        if (widget) link.setAttribute("target", "_blank");
        after.push(el("p", { "class": "feedback-next" }, [S.feedback_next + " ", link]));
      }
      target.replaceWith.apply(target, after);
      note.focus();
    }
    fetch(cfg.feedbackUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) { done(r.ok); }).catch(function () { done(false); });
  });

  /* Printing: every "show context" open, as the reader would want it on paper. */
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    openedForPrint = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (d) { d.open = false; });
    openedForPrint = [];
  });

  revealCopyButtons(document);

  if (widget && cfg.parentOrigin && window.parent !== window) {
    /* Only to the origin embed.js passed in: postMessage drops it if the parent is another. */
    var main = document.querySelector("main");
    var last = -1;
    var report = function () {
      var height = Math.min(Math.ceil(main.getBoundingClientRect().height), cfg.maxFrameHeight);
      if (height === last) return;
      last = height;
      window.parent.postMessage({ type: "referendum-qa:height", height: height }, cfg.parentOrigin);
    };
    if (window.ResizeObserver) new ResizeObserver(report).observe(main);
    window.addEventListener("load", report);
    report();
  }
})();
