// The compose forms (reply, note, new ticket; docs/SEARCH-AND-MEDIA.md), progressively enhanced:
// - a live character counter: tweets by X's weighted length, counted by X's own library
//   (twttr.txt from /public/vendor/twitter-text.js, the same twitter-text the server checks with),
//   DMs by code points; the limit follows the channel chosen;
// - switching between tweet and DM swaps the untouched prefill ("@customer " for a tweet) and
//   shows the hints that belong to the channel;
// - a submitted form disables its buttons, so a double click sends once. The server is the guard
//   (every form carries a one-time key); without JavaScript the page works the same.
(function () {
  'use strict';

  function measures(twitterText) {
    return {
      weightedTweetLength: function (text) {
        return twitterText.parseTweet(text).weightedLength;
      },
      directMessageLength: function (text) {
        return Array.from(text.normalize('NFC')).length;
      },
    };
  }

  if (typeof module === 'object' && module.exports) {
    module.exports = { measures: measures };
    return;
  }

  var count = measures(
    window.twttr && window.twttr.parseTweet
      ? window.twttr
      : {
          parseTweet: function (t) {
            return { weightedLength: Array.from(t).length };
          },
        },
  );

  function chosenChannel(area) {
    var choices = document.querySelectorAll('[data-compose-type-for="' + area.id + '"]');
    for (var i = 0; i < choices.length; i++) {
      var choice = choices[i];
      if (choice.type !== 'radio') return choice.value;
      if (choice.checked) return choice.value;
    }
    return area.dataset.count;
  }

  // A new tweet to someone starts with their @handle unless the text names them already: the
  // server adds it (mentioning() in src/tickets/ticket-actions.service.ts), so it counts here too.
  function mentioning(recipient, text) {
    var handle = recipient.trim().replace(/^@/, '');
    if (!/^[A-Za-z0-9_]{1,15}$/.test(handle) || !text.trim()) return text;
    var named = new RegExp('(^|[^\\w@])@' + handle + '(?!\\w)', 'i').test(text);
    return named ? text : '@' + handle + ' ' + text.trim();
  }

  // <textarea data-limit="280" data-count="tweet|dm" data-counter="ID" [data-mention-from="INPUT"]> and <span id="ID">.
  document.querySelectorAll('textarea[data-limit]').forEach(function (area) {
    var counter = document.getElementById(area.dataset.counter);
    if (!counter) return;
    var form = area.form;
    var recipient = area.dataset.mentionFrom ? document.getElementById(area.dataset.mentionFrom) : null;
    var update = function () {
      var tweet = area.dataset.count === 'tweet';
      var measure = tweet ? count.weightedTweetLength : count.directMessageLength;
      var text = tweet && recipient ? mentioning(recipient.value, area.value) : area.value;
      var left = Number(area.dataset.limit) - measure(text);
      counter.textContent = String(left);
      counter.classList.toggle('over-limit', left < 0);
    };
    var follow = function () {
      var previous = area.dataset.count;
      var channel = chosenChannel(area) === 'dm' ? 'dm' : 'tweet';
      area.dataset.count = channel;
      area.dataset.limit = channel === 'tweet' ? area.dataset.tweetLimit || area.dataset.limit : area.dataset.dmLimit || area.dataset.limit;
      // The prefill of the other channel, untouched, becomes this channel's.
      var before = area.dataset['prefill' + (previous === 'dm' ? 'Dm' : 'Tweet')];
      var after = area.dataset['prefill' + (channel === 'dm' ? 'Dm' : 'Tweet')];
      if (previous !== channel && before !== undefined && after !== undefined && area.value === before) area.value = after;
      if (form) {
        form.querySelectorAll('[data-show-for]').forEach(function (element) {
          element.hidden = element.dataset.showFor !== channel;
        });
      }
      update();
    };
    area.addEventListener('input', update);
    if (recipient) recipient.addEventListener('input', update);
    document.querySelectorAll('[data-compose-type-for="' + area.id + '"]').forEach(function (choice) {
      choice.addEventListener('change', follow);
    });
    follow();
  });

  // <form data-submit-once>: the first submit disables the buttons; the browser's back button brings them back.
  document.querySelectorAll('form[data-submit-once]').forEach(function (form) {
    form.addEventListener('submit', function () {
      setTimeout(function () {
        form.querySelectorAll('button[type=submit], button:not([type])').forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  });
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('form[data-submit-once] button[disabled]').forEach(function (button) {
      button.disabled = false;
    });
  });
})();
