using KefuScore.App.Yaml;
using KefuScore.Engine.Calendars;
using KefuScore.Engine.Events;
using KefuScore.Engine.Text;

namespace KefuScore.App.Faq;

/// <summary>
/// 自动回复策略: when the FAQ may answer a customer by itself. The seeds advise auto-replies and FAQ templates at night
/// and at peaks (seeds/001: 自动化服务助力 … 辅助夜间服务; seeds/002 and 004: 自动回复功能, 预设常见问题的模板).
/// <see cref="OffHours"/>: answer while the shop's calendar is closed; <see cref="OverflowWaiting"/>: answer when more
/// than this many customers are waiting (null: never); <see cref="AtCapacity"/>: answer when every online agent is at
/// capacity; and only a match sharing a bigram with the question, covering at least <see cref="MinCoverage"/> of its
/// terms and scoring at least <see cref="MinScore"/> (BM25) is sent.
/// </summary>
public sealed record FaqPolicy
{
    public bool OffHours { get; init; } = true;
    public int? OverflowWaiting { get; init; } = 5;
    public bool AtCapacity { get; init; } = true;
    /// <summary>Measured on the test set (docs/quality.md): 0.3 sends 65 right answers and 10 wrong ones of 113.</summary>
    public double MinCoverage { get; init; } = 0.3;

    /// <summary>A BM25 floor; 0 by default, since raw scores grow with the size of the knowledge base.</summary>
    public double MinScore { get; init; }

    /// <summary>Why the FAQ answers, or does not: the situation first, then the match.</summary>
    public FaqDecision Decide(bool shopOpen, int waiting, bool allAtCapacity, FaqMatch? match)
    {
        var why = Situation(shopOpen, waiting, allAtCapacity);
        if (why is null) return new FaqDecision(false, "agents_available");
        if (match is null) return new FaqDecision(false, "no_match");
        // One shared character is chance (在吗 and 运费怎么算 share 吗); a shared bigram or word is a topic.
        if (match.SharedBigrams == 0 || match.Coverage < MinCoverage || match.Score < MinScore) return new FaqDecision(false, "below_threshold");
        return new FaqDecision(true, why);
    }

    /// <summary>
    /// The same decision with a shop's trained model (issue 18): the situation as above, then the best entry's
    /// probability against the model's calibrated threshold instead of BM25's coverage.
    /// </summary>
    public FaqDecision Decide(bool shopOpen, int waiting, bool allAtCapacity, FaqAnswer? answer, double threshold)
    {
        var why = Situation(shopOpen, waiting, allAtCapacity);
        if (why is null) return new FaqDecision(false, "agents_available");
        if (answer is null) return new FaqDecision(false, "no_match");
        return answer.Confidence >= threshold ? new FaqDecision(true, why) : new FaqDecision(false, "below_threshold");
    }

    /// <summary>Why the FAQ may answer now (off hours, too many waiting, everyone at capacity), or null: agents are available.</summary>
    private string? Situation(bool shopOpen, int waiting, bool allAtCapacity) =>
        !shopOpen && OffHours ? "off_hours"
        : OverflowWaiting is { } n && waiting > n ? "overflow_waiting"
        : allAtCapacity && AtCapacity ? "overflow_capacity"
        : null;

    /// <summary>The auto-reply as an event: a <c>bot</c> message of kind <c>auto</c>, which never counts as a human reply (SPEC §4).</summary>
    public static ChatEvent Reply(string id, string shop, string conversation, string? customer, string answer, DateTimeOffset at) => new()
    {
        Type = EventType.Message, Id = id, Shop = shop, At = at, Conversation = conversation, Customer = customer,
        Sender = Sender.Bot, Kind = MessageKind.Auto, Text = answer,
    };

    /// <summary>Whether the shop is open at an instant: some business time in the second that starts there.</summary>
    public static bool IsOpen(BusinessCalendar calendar, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.Between(at, at.AddSeconds(1)) > TimeSpan.Zero;
    }
}

/// <summary>Whether to send the FAQ's answer and why (off_hours, overflow_waiting, overflow_capacity; or agents_available, no_match, below_threshold).</summary>
public sealed record FaqDecision(bool Answer, string Reason);

/// <summary>Reads a shop's FAQ policy: <c>off_hours</c>, <c>overflow_waiting</c>, <c>at_capacity</c>, <c>min_coverage</c>, <c>min_score</c>.</summary>
public static class FaqPolicyLoader
{
    public static FaqPolicy Parse(string yaml, string source)
    {
        var y = new YamlFile(source);
        var root = y.Root(yaml, "off_hours: true, overflow_waiting: 5, at_capacity: true, min_coverage: 0.4");
        y.Known(root, "", "off_hours", "overflow_waiting", "at_capacity", "min_coverage", "min_score");
        var p = new FaqPolicy();
        bool? Flag(string key)
        {
            var v = y.String(root, "", key);
            if (v is null) return null;
            if (bool.TryParse(v, out var b)) return b;
            y.Error(YamlFile.Child(root, key), key, new Msg(Codes.InputNotBool, v));
            return null;
        }
        double? Number(string key, double max)
        {
            var v = y.String(root, "", key);
            if (v is null) return null;
            if (double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && d >= 0 && d <= max) return d;
            y.Error(YamlFile.Child(root, key), key, new Msg(Codes.InputNumberRange, v, new Num(max, NumKind.Plain)));
            return null;
        }
        var overflow = y.String(root, "", "overflow_waiting");
        int? waiting = p.OverflowWaiting;
        if (overflow is "off" or "never") waiting = null;
        else if (overflow is not null)
        {
            if (int.TryParse(overflow, out var n) && n >= 0) waiting = n;
            else y.Error(YamlFile.Child(root, "overflow_waiting"), "overflow_waiting", new Msg(Codes.FaqOverflow, overflow));
        }
        var result = p with
        {
            OffHours = Flag("off_hours") ?? p.OffHours,
            AtCapacity = Flag("at_capacity") ?? p.AtCapacity,
            OverflowWaiting = waiting,
            MinCoverage = Number("min_coverage", 1) ?? p.MinCoverage,
            MinScore = Number("min_score", 1000) ?? p.MinScore,
        };
        y.ThrowIfAny();
        return result;
    }
}
