/* Referendum QA: asks the JSON API without a reload and renders the answer with the same
   markup as the server (web/templates/_results.html; keep the two in step). The page
   works without this file: the form is a plain GET form. In the widget it also reports
   its height to the host page, and only to the origin embed.js gave it. */
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
  var examples = document.querySelector(".examples");
  var button = form.querySelector(".ask-button");
  var pending = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }

  /* Same as ui.segments(): clamp, sort and merge the spans; the pieces rejoin to text. */
  function segments(text, spans) {
    var cleaned = (spans || []).map(function (s) {
      return [Math.max(0, Math.min(s.start, text.length)), Math.max(0, Math.min(s.end, text.length))];
    }).filter(function (s) { return s[1] > s[0]; }).sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    cleaned.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]); else merged.push(s.slice());
    });
    var out = [], pos = 0;
    merged.forEach(function (s) {
      if (s[0] > pos) out.push([text.slice(pos, s[0]), false]);
      out.push([text.slice(s[0], s[1]), true]);
      pos = s[1];
    });
    if (pos < text.length || !out.length) out.push([text.slice(pos), false]);
    return out;
  }

  function formatDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m || +m[2] < 1 || +m[2] > 12) return iso || "";
    return fill(S.date_format, { day: String(+m[3]), month: S.months[+m[2] - 1], year: m[1] });
  }

  function viewParams() {
    var params = {};
    if (widget) {
      if (cfg.theme) params.theme = cfg.theme;
      if (cfg.parentOrigin) params.origin = cfg.parentOrigin;
    }
    return params;
  }

  function query(params) {
    var usp = new URLSearchParams();
    Object.keys(params).forEach(function (k) { usp.set(k, params[k]); });
    return usp.toString();
  }

  function newTabAttrs(attrs) {
    if (widget) { attrs.target = "_blank"; attrs.rel = "noopener"; }
    return attrs;
  }

  function newTabNote() {
    return widget ? [el("span", { "class": "sr-only" }, [" " + S.new_tab])] : [];
  }

  function hitItem(hit, q, version, answering) {
    var a = hit.article;
    var href = cfg.articleUrl.replace("ARTICLE_ID", encodeURIComponent(a.id)) + "?" +
      query({ lang: cfg.lang, p: hit.passage_id, q: q }) + "#passage";
    var meta = [el("time", { datetime: a.date }, [formatDate(a.date)]), " · ",
      el("span", { "class": "outlet" }, [a.outlet])];
    if (a.lang && a.lang !== cfg.lang) {
      meta.push(" · ", el("span", { "class": "source-lang" }, [S.source_in[a.lang]]));
    }
    var pieces = segments(hit.text, answering ? hit.highlight : []).map(function (part) {
      return part[1] ? el("mark", {}, [part[0]]) : document.createTextNode(part[0]);
    });
    var links = [el("a", newTabAttrs({ "class": "article-link-2", href: href }),
      [S.read_article].concat(newTabNote()))];
    if (a.url) {
      links.push(" ", el("a", { "class": "source-link", href: a.url, target: "_blank", rel: "noopener noreferrer" },
        [S.original_source + " ↗", el("span", { "class": "sr-only" }, [" " + S.new_tab])]));
    }
    var children = [
      el("h3", { "class": "result-title" }, [el("a", newTabAttrs({ "class": "article-link", href: href }), [a.title])]),
      el("p", { "class": "meta" }, meta),
      el("blockquote", { "class": "passage", lang: a.lang || null }, [el("p", {}, pieces)]),
      el("p", { "class": "links" }, links)
    ];
    if (answering) children.push(feedbackForm(hit.passage_id, q, version));
    return el("li", { "class": "result", id: "r-" + hit.passage_id, "data-passage-id": hit.passage_id }, children);
  }

  function feedbackForm(passageId, q, version) {
    var hidden = { q: q, passage_id: passageId, lang: cfg.lang, index_version: version, view: cfg.view };
    var params = viewParams();
    Object.keys(params).forEach(function (k) { hidden[k] = params[k]; });
    var inputs = Object.keys(hidden).map(function (name) {
      return el("input", { type: "hidden", name: name, value: hidden[name] });
    });
    var fieldset = el("fieldset", {}, [
      el("legend", {}, [S.feedback_question]),
      el("button", { type: "submit", name: "helpful", value: "yes" }, [S.feedback_yes]), " ",
      el("button", { type: "submit", name: "helpful", value: "no" }, [S.feedback_no])
    ]);
    return el("form", { "class": "feedback", method: "post", action: cfg.feedbackFormUrl }, inputs.concat([fieldset]));
  }

  function renderAnswer(answer, q) {
    var nodes = [];
    var version = answer.index.version;
    if (answer.abstained || !answer.results.length) {
      var official = el("a", { "class": "official-link", href: cfg.officialUrl, rel: "noopener", target: widget ? "_blank" : null },
        [cfg.officialHost]);
      nodes.push(el("div", { "class": "state state-no-answer" }, [
        el("h2", {}, [S.no_answer_heading]),
        el("p", {}, [S.no_answer_text + " ", official])
      ]));
      if (answer.related && answer.related.length) {
        nodes.push(el("h2", { "class": "related-heading" }, [S.related_heading]));
        nodes.push(el("ol", { "class": "results related" }, answer.related.map(function (h) {
          return hitItem(h, q, version, false);
        })));
      }
      return { nodes: nodes, status: S.status_no_answer, quiet: true };
    }
    nodes.push(el("h2", { "class": "results-heading" }, [S.results_heading]));
    nodes.push(el("ol", { "class": "results" }, answer.results.map(function (h) {
      return hitItem(h, q, version, true);
    })));
    return { nodes: nodes, status: fill(S.status_found, { n: answer.results.length }) };
  }

  function renderError(message) {
    return {
      nodes: [el("div", { "class": "state state-error", role: "alert" }, [el("h2", {}, [S.error_heading]), el("p", {}, [message])])],
      status: message,
      quiet: true
    };
  }

  function show(view) {
    resultsNode.replaceChildren.apply(resultsNode, view.nodes);
    resultsNode.removeAttribute("aria-busy");
    statusNode.textContent = "";
    /* The no-answer and error panels say it visibly already: the status line is for
       screen readers then. */
    statusNode.classList.toggle("sr-only", !!view.quiet);
    /* A fresh text node after a tick, so that screen readers announce a repeat too. */
    window.setTimeout(function () { statusNode.textContent = view.status; }, 50);
    button.disabled = false;
  }

  function pageUrl(q) {
    var params = { q: q, lang: cfg.lang };
    var extra = viewParams();
    Object.keys(extra).forEach(function (k) { params[k] = extra[k]; });
    return location.pathname + "?" + query(params);
  }

  function updateLanguageLinks(q) {
    document.querySelectorAll("a[data-lang-link]").forEach(function (link) {
      var params = q ? { q: q } : {};
      params.lang = link.getAttribute("data-lang-link");
      link.setAttribute("href", location.pathname + "?" + query(params));
    });
    var full = document.querySelector("a.full-page");
    if (full) full.setAttribute("href", cfg.pageUrl + "?" + query(q ? { q: q, lang: cfg.lang } : { lang: cfg.lang }));
  }

  function ask(raw, historyMode) {
    var q = raw.replace(/\s+/g, " ").trim();
    if (!q) { show(renderError(S.error_blank)); input.focus(); return; }
    if (raw.length > cfg.maxChars) { show(renderError(fill(S.error_too_long, { max: cfg.maxChars }))); return; }
    if (historyMode === "push") history.pushState({ q: q }, "", pageUrl(q));
    else if (historyMode === "replace") history.replaceState({ q: q }, "", pageUrl(q));
    updateLanguageLinks(q);
    if (examples) examples.classList.add("collapsed");
    if (pending) pending.abort();
    var controller = window.AbortController ? new AbortController() : null;
    pending = controller;
    statusNode.classList.remove("sr-only");
    statusNode.textContent = S.status_loading;
    resultsNode.setAttribute("aria-busy", "true");
    button.disabled = true;
    fetch(cfg.askUrl + "?" + query({ q: q, lang: cfg.lang }), {
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (response.ok) return response.json().then(function (answer) { show(renderAnswer(answer, q)); });
      var key = { 400: "error_invalid", 429: "error_too_many", 503: "error_unavailable" }[response.status] || "error_network";
      show(renderError(S[key]));
    }).catch(function (error) {
      if (error && error.name === "AbortError") return;
      show(renderError(S.error_network));
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    /* The widget lives inside someone else's page: it must not fill their back button. */
    ask(input.value, widget ? "replace" : "push");
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.example") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    input.value = link.getAttribute("data-q");
    ask(input.value, widget ? "replace" : "push");
  });

  window.addEventListener("popstate", function () {
    var q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    if (q) { ask(q, null); return; }
    resultsNode.replaceChildren();
    statusNode.textContent = "";
    updateLanguageLinks("");
    if (examples) examples.classList.remove("collapsed");
  });

  /* "Did this answer your question?": the JSON API with JS on; the form posts without it. */
  resultsNode.addEventListener("submit", function (event) {
    var target = event.target;
    if (!target.classList.contains("feedback")) return;
    event.preventDefault();
    var data = new FormData(target);
    var submitter = event.submitter;
    var body = {
      q: data.get("q"),
      passage_id: data.get("passage_id") || null,
      helpful: submitter ? submitter.value === "yes" : false,
      lang: data.get("lang"),
      index_version: data.get("index_version")
    };
    target.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    function done(ok) {
      var note = el("p", { "class": ok ? "feedback-thanks" : "feedback-failed", role: "status" },
        [ok ? S.feedback_thanks : S.feedback_failed]);
      target.replaceWith(note);
    }
    fetch(cfg.feedbackUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) { done(r.ok); }).catch(function () { done(false); });
  });

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
