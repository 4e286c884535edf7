/* Lantern page tag: counts the sharing of this page's address that happens out of sight
   (copied from the address bar into a chat, a mail, an SMS). No cookies, no storage, no
   identifiers kept; nothing at all when the reader asks not to be tracked (DNT, GPC). */
(function () {
  "use strict";
  var tag = document.currentScript;
  var nav = navigator;
  var loc = location;
  if (!tag || !window.URL || !window.crypto) return;
  if (nav.doNotTrack === "1" || window.doNotTrack === "1" || nav.globalPrivacyControl === true) return;
  var site = tag.getAttribute("data-site");
  if (!site) return;
  var base = new URL(tag.src, loc.href).origin;
  var french = /^fr/i.test(document.documentElement.lang || "");
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  var MARK = /^#lt=([A-Za-z0-9]{8,32})$/;

  function freshToken() {
    var bytes = new Uint8Array(10);
    var out = "";
    crypto.getRandomValues(bytes);
    for (var i = 0; i < bytes.length; i++) out += LETTERS.charAt(bytes[i] % 62);
    return out;
  }

  function tokenInAddress() {
    var found = MARK.exec(loc.hash);
    return found ? found[1] : null;
  }

  function showToken(token) {
    history.replaceState(history.state, "", loc.pathname + loc.search + "#lt=" + token);
  }

  function send(path, document_) {
    var body = JSON.stringify(document_);
    return fetch(base + path, {
      method: "POST",
      body: body,
      headers: { "Content-Type": "text/plain" },
      credentials: "omit",
      keepalive: true
    });
  }

  var arrived = tokenInAddress();
  var entry = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  var again = entry && (entry.type === "reload" || entry.type === "back_forward");
  if (arrived && !again) {
    var beacon = JSON.stringify({ site: site, token: arrived, path: loc.pathname, referrer: document.referrer });
    var blob = new Blob([beacon], { type: "text/plain" });
    if (!(nav.sendBeacon && nav.sendBeacon(base + "/collect", blob))) {
      send("/collect", JSON.parse(beacon)).catch(function () {});
    }
  }
  // A reader's own token: an address copied from the bar from now on carries it.
  if (!loc.hash || (arrived && !again)) showToken(freshToken());

  function tokenedAddress() {
    var token = tokenInAddress() || freshToken();
    return loc.origin + loc.pathname + loc.search + "#lt=" + token;
  }

  if (tag.getAttribute("data-copy") === "true") {
    document.addEventListener("copy", function (event) {
      var text = String(window.getSelection ? window.getSelection() : "");
      if (text.replace(/\s+/g, " ").trim().length < 40 || !event.clipboardData) return;
      var note = french ? "Lire la suite : " : "Read more: ";
      event.clipboardData.setData("text/plain", text + "\n\n" + note + tokenedAddress());
      event.preventDefault();
    });
  }

  var BUTTONS = [
    ["whatsapp", "WhatsApp"],
    ["telegram", "Telegram"],
    ["email", french ? "E-mail" : "Email"],
    ["sms", "SMS"],
    ["copy", french ? "Copier le lien" : "Copy link"]
  ];

  function open(channel, url, button) {
    var title = document.title;
    var text = encodeURIComponent(title + " " + url);
    if (channel === "whatsapp") return "https://wa.me/?text=" + text;
    if (channel === "telegram") {
      return "https://t.me/share/url?url=" + encodeURIComponent(url) + "&text=" + encodeURIComponent(title);
    }
    if (channel === "email") return "mailto:?subject=" + encodeURIComponent(title) + "&body=" + encodeURIComponent(url);
    if (channel === "sms") return "sms:?&body=" + text;
    if (nav.clipboard) nav.clipboard.writeText(url).catch(function () {});
    button.textContent = french ? "Lien copié" : "Link copied";
    return null;
  }

  function shareButtons(holder) {
    BUTTONS.forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "lantern-share lantern-share-" + pair[0];
      button.setAttribute("data-channel", pair[0]);
      button.textContent = pair[1];
      button.addEventListener("click", function () {
        var popup = pair[0] === "whatsapp" || pair[0] === "telegram" ? window.open("", "_blank") : null;
        send("/collect/share", { site: site, path: loc.pathname, channel: pair[0] })
          .then(function (response) {
            if (!response.ok) throw new Error("Lantern answered " + response.status);
            return response.json();
          })
          .then(function (made) {
            button.setAttribute("data-short-url", made.short_url);
            var target = open(pair[0], made.short_url, button);
            if (!target) return;
            if (popup) popup.location.href = target;
            else loc.href = target;
          })
          .catch(function () {
            if (popup) popup.close();
            button.setAttribute("data-error", "1");
          });
      });
      holder.appendChild(button);
    });
  }

  function ready() {
    var holders = document.querySelectorAll("[data-lantern-share]");
    for (var i = 0; i < holders.length; i++) shareButtons(holders[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
