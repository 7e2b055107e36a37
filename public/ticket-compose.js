// Live character counter for the reply and new-ticket forms: tweets by X's weighted length (URLs 23,
// wide characters 2, emoji 2), DMs by characters. The server checks the same limits again; these
// rules mirror src/tickets/tweet-length.ts, and a unit test keeps the two in step.
(function () {
  'use strict';

  var LIGHT_RANGES = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];
  var URL_WEIGHT = 23;
  var TLDS =
    'com|net|org|edu|gov|mil|int|info|biz|name|pro|io|co|me|ly|app|dev|ai|tv|xyz|online|site|shop|blog|news|' +
    'de|at|ch|rs|uk|eu|fr|it|es|nl|be|pl|cz|se|no|dk|fi|ru|ua|us|ca|au|nz|jp|cn|in|br|mx|ar|ba|hr|si|me|mk|bg|ro|hu|gr|tr|ie|pt';
  var URL_SOURCE =
    '(?<![\\p{L}\\p{N}@#$_.\\/-])(?:https?:\\/\\/[^\\s]+|(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?\\.)+(?:' +
    TLDS +
    ')(?![\\p{L}\\p{N}-])(?::\\d{1,5})?(?:\\/[^\\s]*)?)';
  var TRAILING_PUNCTUATION = /[.,;:!?'")\]}>…]+$/u;
  var PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

  function codePointWeight(codePoint) {
    for (var i = 0; i < LIGHT_RANGES.length; i++) {
      if (codePoint >= LIGHT_RANGES[i][0] && codePoint <= LIGHT_RANGES[i][1]) return 1;
    }
    return 2;
  }

  function plainWeight(text) {
    var weight = 0;
    var segments = new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text);
    for (var item of segments) {
      if (PICTOGRAPHIC.test(item.segment)) {
        weight += 2;
      } else {
        for (var ch of item.segment) weight += codePointWeight(ch.codePointAt(0));
      }
    }
    return weight;
  }

  function weightedTweetLength(text) {
    var normalised = text.normalize('NFC');
    var pattern = new RegExp(URL_SOURCE, 'giu');
    var weight = 0;
    var last = 0;
    var match;
    while ((match = pattern.exec(normalised)) !== null) {
      var url = match[0].replace(TRAILING_PUNCTUATION, '');
      if (url === '' || !/[.\/]/.test(url)) continue;
      weight += plainWeight(normalised.slice(last, match.index)) + URL_WEIGHT;
      last = match.index + url.length;
    }
    return weight + plainWeight(normalised.slice(last));
  }

  function directMessageLength(text) {
    return Array.from(text.normalize('NFC')).length;
  }

  if (typeof module === 'object' && module.exports) {
    module.exports = { weightedTweetLength: weightedTweetLength, directMessageLength: directMessageLength };
    return;
  }

  // <textarea data-limit="280" data-count="tweet|dm" data-counter="ID"> and <span id="ID">.
  document.querySelectorAll('textarea[data-limit]').forEach(function (area) {
    var counter = document.getElementById(area.dataset.counter);
    if (!counter) return;
    var limit = Number(area.dataset.limit);
    var measure = area.dataset.count === 'tweet' ? weightedTweetLength : directMessageLength;
    var update = function () {
      var left = limit - measure(area.value);
      counter.textContent = String(left);
      counter.classList.toggle('over-limit', left < 0);
    };
    area.addEventListener('input', update);
    // The new-ticket form switches between a tweet and a DM: the limit follows the choice.
    document.querySelectorAll('[data-compose-type-for="' + area.id + '"]').forEach(function (select) {
      var follow = function () {
        var tweet = select.value !== 'dm';
        area.dataset.count = tweet ? 'tweet' : 'dm';
        area.dataset.limit = tweet ? area.dataset.tweetLimit : area.dataset.dmLimit;
        limit = Number(area.dataset.limit);
        measure = tweet ? weightedTweetLength : directMessageLength;
        update();
      };
      select.addEventListener('change', follow);
      follow();
    });
    update();
  });
})();
