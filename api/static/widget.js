/*
 * alesco-api widget: the open ALESCo proposals, for the ALESCo web page.
 *
 *   <div id="alesco-prs"><p id="alesco-prs-status">Loading open proposals...</p></div>
 *   <script src="https://API-HOST/widget.js" defer></script>
 *
 * The API is the origin this script was loaded from, unless a `data-api` attribute (on the
 * script tag or on #alesco-prs) names another. No dependencies. Every text from the API is
 * set with textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var TEXT = {
    by: "by",
    updated: "Updated",
    draft: "Draft",
    voteExpected: "Vote expected",
    none: "No open proposals right now.",
    error: "Could not load open proposals right now.",
  };
  // The page's own stage pills (al-rfc-submitted, -discussion, -vote) and their names.
  var STAGES = {
    SUBMITTED: { css: "al-rfc-submitted", text: "Submitted" },
    DISCUSSION: { css: "al-rfc-discussion", text: "Accepted for Discussion" },
    FCP: { css: "al-rfc-vote", text: "Final Comment Period" },
  };
  var QUERY =
    "{ proposals(state: OPEN, first: 100) { edges { node { number title url stage draft " +
    "labels { name color } author { login } updatedAt nextVote { startsAt } } } } }";
  var TIMEOUT_MS = 10000;

  function apiBase(list) {
    var named =
      (script && script.getAttribute("data-api")) || list.getAttribute("data-api");
    if (named) {
      return named.replace(/\/+$/, "");
    }
    return script && script.src ? new URL(script.src, document.baseURI).origin : "";
  }

  // Black or white text on a label's colour, by the same rule as GitHub's.
  function contrastColor(hex) {
    var r = parseInt(hex.slice(0, 2), 16);
    var g = parseInt(hex.slice(2, 4), 16);
    var b = parseInt(hex.slice(4, 6), 16);
    return (r * 299 + g * 587 + b * 114) / 1000 >= 150 ? "#1f2328" : "#ffffff";
  }

  function localDate(iso) {
    return new Date(iso).toLocaleDateString(undefined, {
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

  function card(proposal) {
    var link = element("a", "al-rfc-card");
    // Only links to the web; a javascript: URL from upstream would not be followed.
    if (/^https?:\/\//.test(proposal.url)) {
      link.href = proposal.url;
    }
    link.appendChild(element("div", "al-rfc-card-title", proposal.title));

    var tags = element("div", "al-rfc-tags");
    var stage = STAGES[proposal.stage];
    if (stage) {
      tags.appendChild(pill(stage.css + " al-rfc-stage", stage.text));
    }
    if (proposal.draft) {
      tags.appendChild(pill("al-rfc-draft", TEXT.draft));
    }
    (proposal.labels || []).forEach(function (label) {
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
      meta += " " + TEXT.by + " " + proposal.author.login;
    }
    meta += " · " + TEXT.updated + " " + localDate(proposal.updatedAt);
    link.appendChild(element("div", "al-rfc-card-meta", meta));

    if (proposal.stage === "FCP" && proposal.nextVote && proposal.nextVote.startsAt) {
      var vote = TEXT.voteExpected + " " + localDate(proposal.nextVote.startsAt);
      link.appendChild(element("div", "al-rfc-card-vote", vote));
    }
    return link;
  }

  function render(list, status, proposals) {
    if (!proposals.length) {
      status.textContent = TEXT.none;
      list.setAttribute("data-state", "empty");
      return;
    }
    list.textContent = "";
    proposals.forEach(function (proposal) {
      list.appendChild(card(proposal));
    });
    list.setAttribute("data-state", "loaded");
  }

  function fail(list, status) {
    status.textContent = TEXT.error;
    list.setAttribute("data-state", "error");
  }

  function load(list, status) {
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
        }));
      })
      .catch(function () {
        fail(list, status);
      })
      .then(function () {
        clearTimeout(timer);
      });
  }

  function start() {
    var list = document.getElementById("alesco-prs");
    if (!list) {
      return;
    }
    var status = document.getElementById("alesco-prs-status");
    if (!status) {
      status = element("p", "text-muted");
      status.id = "alesco-prs-status";
      list.appendChild(status);
    }
    list.setAttribute("data-state", "loading");
    load(list, status);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
