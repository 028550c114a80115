using System;
using System.Collections.Generic;
using System.Linq;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>TF-IDF cosine similarity of short task texts (lower-cased letter/digit tokens of two or more characters, minus common English stop words).</summary>
    internal static class TextSimilarity
    {
        private static readonly HashSet<string> StopWords = new HashSet<string>(
            new[] { "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "it", "of", "on", "or", "the", "to", "with" },
            StringComparer.Ordinal);

        internal static List<string> Tokenize(string text)
        {
            var tokens = new List<string>();
            if (string.IsNullOrEmpty(text))
            {
                return tokens;
            }

            var start = -1;
            for (var i = 0; i <= text.Length; i++)
            {
                var isWord = i < text.Length && char.IsLetterOrDigit(text[i]);
                if (isWord && start < 0)
                {
                    start = i;
                }
                else if (!isWord && start >= 0)
                {
                    var token = text.Substring(start, i - start).ToLowerInvariant();
                    if (token.Length >= 2 && !StopWords.Contains(token))
                    {
                        tokens.Add(token);
                    }

                    start = -1;
                }
            }

            return tokens;
        }

        internal static List<StoredTrajectory> Rank(string query, List<StoredTrajectory> items, Func<StoredTrajectory, string> text)
        {
            var docs = items.Select(i => Tokenize(text(i))).ToList();
            var queryTokens = Tokenize(query);
            var df = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var doc in docs.Concat(new[] { queryTokens }))
            {
                foreach (var term in doc.Distinct())
                {
                    df[term] = df.TryGetValue(term, out var c) ? c + 1 : 1;
                }
            }

            var n = docs.Count + 1;
            Dictionary<string, double> Vector(List<string> tokens)
            {
                var v = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var t in tokens)
                {
                    v[t] = v.TryGetValue(t, out var c) ? c + 1 : 1;
                }

                foreach (var key in v.Keys.ToList())
                {
                    v[key] *= Math.Log((double)(n + 1) / (df[key] + 1)) + 1;
                }

                return v;
            }

            var q = Vector(queryTokens);
            var qNorm = Math.Sqrt(q.Values.Sum(x => x * x));
            var scored = new List<StoredTrajectory>();
            for (var i = 0; i < items.Count; i++)
            {
                var d = Vector(docs[i]);
                var dNorm = Math.Sqrt(d.Values.Sum(x => x * x));
                if (qNorm == 0 || dNorm == 0)
                {
                    continue;
                }

                var dot = q.Sum(kv => d.TryGetValue(kv.Key, out var w) ? w * kv.Value : 0);
                if (dot <= 0)
                {
                    continue;
                }

                items[i].Similarity = dot / (qNorm * dNorm);
                scored.Add(items[i]);
            }

            return scored.OrderByDescending(s => s.Similarity).ThenByDescending(s => s.Sequence).ToList();
        }
    }
}
