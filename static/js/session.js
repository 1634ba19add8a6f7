/* Idle sign-out warning and drafts of unsaved form text.
 *
 * The server ends a session after a while without activity (SESSION_IDLE_TIMEOUT). This script
 * warns shortly before, offers to stay signed in, and, when the session has ended, goes to the
 * sign-in page with the current page as `next`. Text typed into a form is kept in
 * sessionStorage (this tab only, gone when the tab closes) and put back when the form page is
 * shown again, for example after signing in again, so no work is lost. Signing out on purpose
 * clears every draft. No inline script: the CSP forbids it.
 */
(function () {
  "use strict";

  var DRAFT_PREFIX = "msc-draft:";
  var storage;
  try {
    storage = window.sessionStorage;
  } catch (error) {
    storage = null;
  }

  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute("content") : null;
  }

  /* --- Drafts --------------------------------------------------------------------------- */

  var SAVED_TYPES = ["text", "search", "email", "number", "date", "datetime-local", "time", "url", "tel"];

  function draftable(field) {
    if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return false;
    if (field.tagName === "TEXTAREA" || field.tagName === "SELECT") return true;
    if (field.tagName !== "INPUT") return false;
    var type = (field.getAttribute("type") || "text").toLowerCase();
    if (type === "checkbox" || type === "radio") return true;
    return SAVED_TYPES.indexOf(type) !== -1;
  }

  function draftForms() {
    var forms = Array.prototype.slice.call(document.querySelectorAll("form[method=post]"));
    return forms.filter(function (form) {
      return !form.hasAttribute("data-no-draft");
    });
  }

  function keyFor(form, index) {
    return DRAFT_PREFIX + window.location.pathname + "#" + (form.id || index);
  }

  function read(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!draftable(field)) return;
      var type = (field.getAttribute("type") || "").toLowerCase();
      var name = field.name;
      if (type === "checkbox" || type === "radio") {
        values[name + "=" + field.value] = field.checked;
      } else if (field.tagName === "SELECT" && field.multiple) {
        values[name] = Array.prototype.filter
          .call(field.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        values[name] = field.value;
      }
    });
    return values;
  }

  function changed(form) {
    /* Only what the user changed from what the page came with is worth keeping. */
    return Array.prototype.some.call(form.elements, function (field) {
      if (!draftable(field)) return false;
      if (field.type === "checkbox" || field.type === "radio") {
        return field.checked !== field.defaultChecked;
      }
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (o) {
          return o.selected !== o.defaultSelected;
        });
      }
      return field.value !== field.defaultValue;
    });
  }

  function restore(form, values) {
    var restored = false;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!draftable(field)) return;
      var type = (field.getAttribute("type") || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        var key = field.name + "=" + field.value;
        if (key in values && field.checked === field.defaultChecked) {
          restored = restored || field.checked !== values[key];
          field.checked = values[key];
        }
      } else if (field.tagName === "SELECT" && field.multiple) {
        if (Array.isArray(values[field.name])) {
          Array.prototype.forEach.call(field.options, function (o) {
            o.selected = values[field.name].indexOf(o.value) !== -1;
          });
          restored = true;
        }
      } else if (field.name in values && field.value === field.defaultValue) {
        /* Never overwrite what the server filled in again, e.g. after an error. */
        if (field.value !== values[field.name]) {
          field.value = values[field.name];
          restored = true;
        }
      }
    });
    return restored;
  }

  function showRestored(form) {
    var note = document.createElement("p");
    note.className = "message info draft-restored";
    note.setAttribute("role", "status");
    note.textContent = document.documentElement.getAttribute("data-draft-restored") ||
      "Your unsaved text was put back.";
    form.insertBefore(note, form.firstChild);
  }

  function draftKeys() {
    var keys = [];
    for (var i = 0; i < storage.length; i++) {
      var key = storage.key(i);
      if (key && key.indexOf(DRAFT_PREFIX) === 0) keys.push(key);
    }
    return keys;
  }

  function clearAllDrafts() {
    draftKeys().forEach(function (key) { storage.removeItem(key); });
  }

  function setUpDrafts() {
    if (!storage) return;
    var page = document.body.getAttribute("data-page") || "";
    var signInPage = page === "sign-in";
    var succeeded = document.querySelector(".messages .success") !== null;

    /* A draft sent with its form is dropped once another page, or a success message, shows
       that the server took it. On the sign-in pages nothing is dropped. */
    if (!signInPage) {
      draftKeys().forEach(function (key) {
        var draft;
        try {
          draft = JSON.parse(storage.getItem(key));
        } catch (error) {
          storage.removeItem(key);
          return;
        }
        var samePage = key.indexOf(DRAFT_PREFIX + window.location.pathname + "#") === 0;
        if (draft && draft.sent && (!samePage || succeeded)) storage.removeItem(key);
      });
    }

    draftForms().forEach(function (form, index) {
      var key = keyFor(form, index);
      var saved = storage.getItem(key);
      if (saved && !signInPage) {
        try {
          if (restore(form, JSON.parse(saved).values || {})) showRestored(form);
        } catch (error) {
          storage.removeItem(key);
        }
      }
      var save = function () {
        if (changed(form)) {
          storage.setItem(key, JSON.stringify({ values: read(form), sent: false }));
        }
      };
      form.addEventListener("input", save);
      form.addEventListener("change", save);
      form.addEventListener("submit", function () {
        var draft = storage.getItem(key);
        if (draft) {
          var parsed = JSON.parse(draft);
          parsed.sent = true;
          storage.setItem(key, JSON.stringify(parsed));
        }
      });
    });

    var signOut = document.querySelector("form[data-sign-out]");
    if (signOut) signOut.addEventListener("submit", clearAllDrafts);
  }

  /* --- Idle sign-out -------------------------------------------------------------------- */

  function setUpIdleWarning() {
    var timeout = parseInt(meta("msc-idle-timeout") || "", 10);
    var warning = parseInt(meta("msc-idle-warning") || "", 10);
    var statusUrl = meta("msc-session-url");
    var loginUrl = meta("msc-login-url");
    var banner = document.getElementById("idle-warning");
    var form = document.getElementById("idle-stay");
    if (!timeout || !statusUrl || !loginUrl || !banner || !form) return;
    var timer = null;

    function signIn() {
      var next = window.location.pathname + window.location.search;
      window.location.assign(loginUrl + "?next=" + encodeURIComponent(next));
    }

    function schedule(secondsLeft) {
      window.clearTimeout(timer);
      if (secondsLeft <= 0) {
        signIn();
      } else if (secondsLeft <= warning) {
        banner.hidden = false;
        timer = window.setTimeout(check, secondsLeft * 1000 + 1000);
      } else {
        banner.hidden = true;
        timer = window.setTimeout(check, (secondsLeft - warning) * 1000);
      }
    }

    function check() {
      /* Another tab may have kept the session alive: ask the server, which does not count
         this question as activity. */
      fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (status) {
          schedule(status.authenticated ? status.seconds_left : 0);
        })
        .catch(function () { timer = window.setTimeout(check, 30000); });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(statusUrl, { method: "POST", credentials: "same-origin", body: new FormData(form) })
        .then(function (response) { return response.json(); })
        .then(function (status) {
          schedule(status.authenticated ? status.seconds_left : 0);
        });
    });

    schedule(timeout);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpDrafts();
    setUpIdleWarning();
  });
})();
