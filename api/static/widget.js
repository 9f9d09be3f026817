/*
 * alesco-api widget: the open ALESCo proposals, for the ALESCo web page.
 *
 *   <div id="alesco-prs"><p id="alesco-prs-status">Loading open proposals...</p></div>
 *   <script src="https://API-HOST/widget.js" defer></script>
 *
 * The API is where this script was loaded from (its folder, so an API under a path prefix
 * works), unless a `data-api` attribute (on the script tag or on #alesco-prs) names
 * another. Texts can be translated with `data-text-*` attributes on #alesco-prs (e.g.
 * data-text-updated="Aktualisiert"). No dependencies. Every text from the API is set with
 * textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var TEXT = {
    by: "by",
    updated: "Updated",
    draft: "Draft",
    voteExpected: "Vote expected",
    lastDecision: "Last decision",
    approved: "approved",
    rejected: "rejected",
    postponed: "postponed",
    tabled: "tabled",
    withdrawn: "withdrawn",
    none: "No open proposals right now.",
    error: "Could not load open proposals right now.",
    submitted: "Submitted",
    discussion: "Accepted for Discussion",
    vote: "Vote at Next Meeting",
  };
  // The page's own stage pills (al-rfc-submitted, -discussion, -vote), named as its legend
  // names them; the stage label itself is then not shown a second time as a label pill.
  var STAGES = {
    SUBMITTED: { css: "al-rfc-submitted", text: "submitted", label: null },
    DISCUSSION: { css: "al-rfc-discussion", text: "discussion", label: "accepted for discussion" },
    FCP: { css: "al-rfc-vote", text: "vote", label: "vote at next meeting" },
  };
  // Looks for the classes this widget adds to the page's own; the page's CSS wins.
  var STYLE =
    ":where(.al-rfc-card-vote){font-size:.875em;font-weight:600;margin-top:.25rem}" +
    ":where(.al-rfc-card-decision){font-size:.875em;margin-top:.25rem}" +
    ":where(.al-rfc-draft){background:#6e7781;color:#fff}";
  var QUERY =
    "{ proposals(state: OPEN, first: 100) { edges { node { number title url stage draft " +
    "labels { name color } author { login } updatedAt nextVote { startsAt date } " +
    "latestDecision { date verdict } } } } }";
  // Verdicts worth a line on an open proposal's card: what the committee last did with it.
  var SHOWN_VERDICTS = ["APPROVED", "REJECTED", "POSTPONED", "TABLED", "WITHDRAWN"];
  var TIMEOUT_MS = 10000;

  function apiBase(list) {
    var named =
      (script && script.getAttribute("data-api")) || list.getAttribute("data-api");
    if (named) {
      return named.replace(/\/+$/, "");
    }
    if (!script || !script.src) {
      return "";
    }
    return new URL(".", new URL(script.src, document.baseURI)).href.replace(/\/+$/, "");
  }

  // Texts, each replaceable by a data-text-* attribute of #alesco-prs (voteExpected:
  // data-text-vote-expected), so the page can translate them as it does its own.
  function texts(list) {
    var chosen = {};
    Object.keys(TEXT).forEach(function (key) {
      var name = "data-text-" + key.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); });
      chosen[key] = list.getAttribute(name) || TEXT[key];
    });
    return chosen;
  }

  function luminance(hex) {
    var channels = [0, 2, 4].map(function (at) {
      var value = parseInt(hex.slice(at, at + 2), 16) / 255;
      return value <= 0.03928 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  // Dark or white text on a label's colour: whichever contrasts more (WCAG 2 ratio).
  function contrastColor(hex) {
    var background = luminance(hex);
    var dark = luminance("1f2328");
    var onDark = (background + 0.05) / (dark + 0.05);
    var onWhite = 1.05 / (background + 0.05);
    return onDark >= onWhite ? "#1f2328" : "#ffffff";
  }

  function localDate(iso) {
    return new Date(iso).toLocaleDateString(undefined, {
      year: "numeric",
      month: "short",
      day: "numeric",
    });
  }

  // A calendar date (YYYY-MM-DD) as the reader writes dates, on that very day: parsed as
  // a time, it would be midnight UTC, the day before anywhere west of Greenwich.
  function calendarDate(day) {
    var parts = day.split("-").map(Number);
    return new Date(parts[0], parts[1] - 1, parts[2]).toLocaleDateString(undefined, {
      year: "numeric",
      month: "short",
      day: "numeric",
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function pill(className, text) {
    return element("span", "al-rfc-label " + className, text);
  }

  function card(proposal, text) {
    var link = element("a", "al-rfc-card");
    // Only links to the web; a javascript: URL from upstream would not be followed.
    if (/^https?:\/\//.test(proposal.url)) {
      link.href = proposal.url;
    }
    link.appendChild(element("div", "al-rfc-card-title", proposal.title));

    var tags = element("div", "al-rfc-tags");
    var stage = STAGES[proposal.stage];
    if (stage) {
      tags.appendChild(pill(stage.css + " al-rfc-stage", text[stage.text]));
    }
    if (proposal.draft) {
      tags.appendChild(pill("al-rfc-draft", text.draft));
    }
    (proposal.labels || []).forEach(function (label) {
      if (stage && stage.label && label.name.trim().toLowerCase() === stage.label) {
        return; // the stage pill says it already
      }
      var tag = pill("", label.name);
      if (/^[0-9a-fA-F]{6}$/.test(label.color || "")) {
        tag.style.backgroundColor = "#" + label.color;
        tag.style.color = contrastColor(label.color);
      }
      tags.appendChild(tag);
    });
    link.appendChild(tags);

    var meta = "#" + proposal.number;
    if (proposal.author) {
      meta += " " + text.by + " " + proposal.author.login;
    }
    meta += " · " + text.updated + " " + localDate(proposal.updatedAt);
    link.appendChild(element("div", "al-rfc-card-meta", meta));

    var vote = proposal.stage === "FCP" ? proposal.nextVote : null;
    if (vote && (vote.startsAt || vote.date)) {
      var when = vote.startsAt ? localDate(vote.startsAt) : calendarDate(vote.date);
      link.appendChild(element("div", "al-rfc-card-vote", text.voteExpected + " " + when));
    }
    var last = proposal.latestDecision;
    if (last && SHOWN_VERDICTS.indexOf(last.verdict) >= 0 && last.date) {
      var verdict = text[last.verdict.toLowerCase()] || last.verdict.toLowerCase();
      var said = text.lastDecision + ": " + verdict + " · " + calendarDate(last.date);
      link.appendChild(element("div", "al-rfc-card-decision", said));
    }
    return link;
  }

  function render(list, status, proposals, text) {
    if (!proposals.length) {
      status.textContent = text.none;
      list.setAttribute("data-state", "empty");
      return;
    }
    list.textContent = "";
    proposals.forEach(function (proposal) {
      list.appendChild(card(proposal, text));
    });
    list.setAttribute("data-state", "loaded");
  }

  function fail(list, status, text) {
    status.textContent = text.error;
    list.setAttribute("data-state", "error");
  }

  function load(list, status, text) {
    var url = apiBase(list) + "/graphql?query=" + encodeURIComponent(QUERY);
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    fetch(url, { signal: controller ? controller.signal : undefined })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        if (!body.data || !body.data.proposals) {
          throw new Error("no proposals in the answer");
        }
        render(list, status, body.data.proposals.edges.map(function (edge) {
          return edge.node;
        }), text);
      })
      .catch(function () {
        fail(list, status, text);
      })
      .then(function () {
        clearTimeout(timer);
      });
  }

  function addStyle() {
    if (document.getElementById("alesco-widget-style")) {
      return;
    }
    var style = document.createElement("style");
    style.id = "alesco-widget-style";
    style.textContent = STYLE;
    document.head.appendChild(style);
  }

  function start() {
    var list = document.getElementById("alesco-prs");
    // A second copy of this script on the page leaves the list to the first.
    if (!list || list.hasAttribute("data-state")) {
      return;
    }
    var status = document.getElementById("alesco-prs-status");
    if (!status) {
      status = element("p", "text-muted");
      status.id = "alesco-prs-status";
      list.appendChild(status);
    }
    list.setAttribute("data-state", "loading");
    addStyle();
    load(list, status, texts(list));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
