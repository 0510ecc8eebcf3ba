/* Referendum QA widget loader. On the host page:
     <script src="https://HOST/embed.js" data-lang="kk" async></script>
   Optional: data-height (a fixed height in px: the widget scrolls inside it), data-theme
   (light | dark | auto).
   Inserts an iframe of HOST/widget right after this script tag. Without data-height it
   resizes the frame to the height the widget reports, accepting messages only from the
   widget's own origin (taken from this script's src) and only up to MAX_HEIGHT, so a frame
   cannot take over the page. */
(function () {
  "use strict";
  var MAX_HEIGHT = 4000;
  var MIN_HEIGHT = 160;
  var LANGS = ["kk", "ru", "en"];
  var TITLES = {
    kk: "Конституциялық реформа туралы сұрақтар",
    ru: "Вопросы о конституционной реформе",
    en: "Questions about the constitutional reform"
  };
  var script = document.currentScript;
  if (!script) {
    var candidates = document.querySelectorAll('script[src*="embed.js"]:not([data-qa-mounted])');
    script = candidates[candidates.length - 1];
  }
  if (!script || script.getAttribute("data-qa-mounted")) return;
  script.setAttribute("data-qa-mounted", "1");

  var src = new URL(script.src, document.baseURI);
  var widgetOrigin = src.origin;
  var lang = (script.getAttribute("data-lang") || "").toLowerCase();
  if (LANGS.indexOf(lang) < 0) lang = (document.documentElement.lang || "kk").slice(0, 2).toLowerCase();
  if (LANGS.indexOf(lang) < 0) lang = "kk";
  var theme = script.getAttribute("data-theme");
  /* The host's own height wins: the frame keeps it, and the widget scrolls inside. */
  var height = parseInt(script.getAttribute("data-height"), 10);
  var fixed = height > 0;
  if (!fixed) height = 480;
  height = Math.max(MIN_HEIGHT, Math.min(height, MAX_HEIGHT));

  var url = new URL("widget", src);
  url.searchParams.set("lang", lang);
  if (theme === "light" || theme === "dark" || theme === "auto") url.searchParams.set("theme", theme);
  if (location.origin && location.origin !== "null") url.searchParams.set("origin", location.origin);

  var frame = document.createElement("iframe");
  frame.src = url.toString();
  frame.title = TITLES[lang];
  frame.className = "referendum-qa-widget";
  /* The widget needs its scripts, its own origin (to call its API), forms and new tabs for
     links; it never gets to navigate the host page. */
  frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox");
  /* "Copy citation" and "Copy link" write to the clipboard from inside the frame. */
  frame.setAttribute("allow", "clipboard-write");
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.maxWidth = "100%";
  frame.style.border = "0";
  frame.style.height = height + "px";
  script.parentNode.insertBefore(frame, script.nextSibling);

  if (fixed) return;
  window.addEventListener("message", function (event) {
    if (event.origin !== widgetOrigin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== "referendum-qa:height") return;
    var h = Number(data.height);
    if (!isFinite(h)) return;
    frame.style.height = Math.round(Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, h))) + "px";
  });
})();
