using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Faq;

/// <summary>
/// A customer's wording found in a stored chat: <see cref="Text"/> was answered (reply <see cref="Reply"/> by
/// <see cref="Agent"/>) with text close to the answer of the entry whose question is <see cref="Entry"/>.
/// </summary>
public sealed record ParaphraseCandidate(string Entry, string Text, double Similarity, string Conversation, string Message, string Reply, string? Agent, DateTimeOffset At);

/// <summary>
/// 问法挖掘 (issue 18, item 3): customers' questions that an agent answered with an FAQ entry's answer are other ways
/// of asking that entry. Pure: the events and entries are handed in. An agent's human text reply is compared with
/// every entry's answer by <see cref="AnswerSimilarity"/>; at <see cref="Threshold"/> or above, the best entry takes
/// the customer's last text message before the reply (since the shop side last spoke) as a candidate. Bots' and
/// auto-replies are not read: an FAQ auto-reply is the answer verbatim, chosen by the matcher itself, and would only
/// teach the matcher its own guesses.
/// </summary>
public static class ParaphraseMiner
{
    /// <summary>
    /// Cosine of character bigrams from which a reply counts as the entry's answer. Worked example (docs/quality.md) on
    /// the answer 亲，付款后48小时内发货，节假日顺延。: the same text 1.00; with 还有其他问题随时找我哦～ appended 0.76; 您好，
    /// 付款后48小时内发货的，节假日顺延 0.81; 付款后48小时内发货 0.78; in the agent's own words (48小时内给您发出) 0.37;
    /// about another matter (您的包裹已经发货了，单号稍后发您) 0.07; another entry's answer (全店满99元包邮) 0.
    /// </summary>
    public const double Threshold = 0.6;

    /// <summary>A customer's question is read when it has this many letters or digits (在吗 and ？ are not questions of an entry).</summary>
    public const int MinQuestionLetters = 3;

    /// <summary>Longer customer messages are not taken as a wording of a question.</summary>
    public const int MaxQuestionLength = 200;

    /// <summary>The candidates in <paramref name="events"/> (any order, one shop), in time order; one per (entry, wording).</summary>
    public static IReadOnlyList<ParaphraseCandidate> Mine(IEnumerable<ChatEvent> events, IReadOnlyList<FaqEntry> entries, double threshold = Threshold)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(entries);
        var answers = entries.Select(e => AnswerSimilarity.Grams(e.Answer)).ToList();
        var questions = entries.Select(e => Key(e.Question)).ToList();
        var found = new List<ParaphraseCandidate>();
        foreach (var conversation in events.Where(e => e.Type == EventType.Message && e.Conversation is not null).GroupBy(e => e.Conversation!, StringComparer.Ordinal))
        {
            ChatEvent? question = null;
            foreach (var e in conversation.Order(EventOrder.Instance))
            {
                if (e.IsCustomerMessage)
                {
                    if (IsQuestion(e.Text)) question = e;
                    continue;
                }
                // The shop side spoke: a question before it has had its answer, whatever this message is.
                var asked = question;
                question = null;
                if (asked is null || !e.IsHumanReply || string.IsNullOrWhiteSpace(e.Text)) continue;
                var reply = AnswerSimilarity.Grams(e.Text);
                var (best, score) = (-1, 0.0);
                for (var i = 0; i < entries.Count; i++)
                {
                    var s = AnswerSimilarity.Cosine(reply, answers[i]);
                    if (s > score) (best, score) = (i, s);
                }
                if (best < 0 || score < threshold) continue;
                var text = asked.Text!.Trim();
                // The entry's own question is no new wording.
                if (Key(text) == questions[best]) continue;
                found.Add(new ParaphraseCandidate(entries[best].Question, text, Math.Round(score, 3), conversation.Key, asked.Id, e.Id, e.Agent, asked.At));
            }
        }
        // A wording asked again is the same candidate: the first time it was asked is kept.
        return [.. found.OrderBy(c => c.At.UtcTicks).ThenBy(c => c.Conversation, StringComparer.Ordinal).ThenBy(c => c.Message, StringComparer.Ordinal)
            .DistinctBy(c => (c.Entry, c.Text))];
    }

    private static bool IsQuestion(string? text) =>
        text is { Length: > 0 and <= MaxQuestionLength } && text.Count(char.IsLetterOrDigit) >= MinQuestionLetters;

    private static string Key(string text) => new([.. PhraseMatcher.Fold(text).Where(char.IsLetterOrDigit)]);
}

/// <summary>
/// How close a reply is to an FAQ answer: the cosine of their character-bigram counts, over letters and digits only
/// (folded: full-width to half-width, ASCII lower case; punctuation and spaces dropped, so 亲， and 亲～ are alike).
/// 1 for the same text, 0 when no bigram is shared.
/// </summary>
public static class AnswerSimilarity
{
    public static double Cosine(string a, string b) => Cosine(Grams(a), Grams(b));

    public static Dictionary<string, int> Grams(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var letters = new string([.. PhraseMatcher.Fold(text).Where(char.IsLetterOrDigit)]);
        var grams = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i + 2 <= letters.Length; i++)
        {
            var g = letters.Substring(i, 2);
            grams[g] = grams.GetValueOrDefault(g) + 1;
        }
        return grams;
    }

    public static double Cosine(IReadOnlyDictionary<string, int> a, IReadOnlyDictionary<string, int> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0) return 0;
        double dot = 0;
        foreach (var (g, n) in a)
            if (b.TryGetValue(g, out var m)) dot += n * m;
        return dot / Math.Sqrt(Norm(a) * Norm(b));
    }

    private static double Norm(IReadOnlyDictionary<string, int> grams) => grams.Values.Sum(n => (double)n * n);
}
