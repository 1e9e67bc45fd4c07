using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Metrics;

public sealed partial class ConversationAnalysis
{
    /// <summary>consultations and not_served: one item per conversation and local day, at its first counted customer message.</summary>
    private void Consultations(ReadOnlySpan<SlimEvent> events, in MetricContext ctx, List<MetricFact> facts)
    {
        var m = ctx.Metric;
        var next = m.Kind == MetricKind.NotServed ? Next(events, m.AcceptAssist, false) : null;
        var lastDay = int.MinValue;
        for (var k = 0; k < _customerCount; k++)
        {
            var c = _customers[k];
            if (!m.Hours.Contains(TimeOfDay(c)) || !InVersion(ctx, _local[c])) continue;
            var day = LocalDay(c);
            if (day == lastDay) continue;
            lastDay = day;
            if (next is null)
                facts.Add(new MetricFact(ctx.Shop, null, LocalHour(c), ctx.Index, 0, 0, 0, 1, -1));
            else
            {
                var served = next[c] != NoReply;
                facts.Add(new MetricFact(ctx.Shop, served ? events[next[c]].Agent : null, LocalHour(c), ctx.Index, served ? 0 : 1, 1, 0, 0, -1));
            }
        }
    }

    /// <summary>rating_share: each rating, credited to the agent it names, else the last agent who replied before it.</summary>
    private void Ratings(ReadOnlySpan<SlimEvent> events, in MetricContext ctx, List<MetricFact> facts)
    {
        var m = ctx.Metric;
        string? lastReplier = null;
        for (var i = 0; i < events.Length; i++)
        {
            ref readonly var e = ref events[i];
            if (e.IsHumanReply) { lastReplier = e.Agent; continue; }
            if (e.Type != EventType.Rating) continue;
            if (!m.Hours.Contains(TimeOfDay(i)) || !InVersion(ctx, _local[i])) continue;
            if (!RatingCounts(Profile, m, e, out var hit)) continue;
            facts.Add(new MetricFact(ctx.Shop, e.Agent ?? lastReplier, LocalHour(i), ctx.Index, hit ? 1 : 0, 1, 0, 0, -1));
        }
    }

    /// <summary>
    /// Whether a rating is part of a rating share at all (its level is rated the metric's way and in its denominator),
    /// and whether it is a hit; shared with <see cref="ConversationState"/>.
    /// </summary>
    internal static bool RatingCounts(CompiledProfile profile, MetricDefinition m, in SlimEvent e, out bool hit)
    {
        var level = m.RatedBy switch
        {
            RatedBy.Stars => e.Stars == 0 ? Satisfaction.None : StarLevel(profile, e.Stars),
            RatedBy.Satisfaction => e.Satisfaction,
            _ => LevelOf(profile, e),
        };
        hit = false;
        if (level == Satisfaction.None) return false;
        if (m.Of.Count > 0 && !Contains(m.Of, level)) return false;
        hit = Contains(m.Levels, level) && (m.Reason is null || string.Equals(m.Reason, e.Reason, StringComparison.Ordinal));
        return true;
    }

    /// <summary>The rating's level: given directly, or mapped from stars by the profile.</summary>
    public Satisfaction LevelOf(in SlimEvent rating) => LevelOf(Profile, rating);

    private static Satisfaction LevelOf(CompiledProfile profile, in SlimEvent rating) =>
        rating.Satisfaction != Satisfaction.None ? rating.Satisfaction : StarLevel(profile, rating.Stars);

    private static Satisfaction StarLevel(CompiledProfile profile, byte stars) =>
        profile.Profile.Stars.TryGetValue(stars, out var level) ? level : Satisfaction.None;

    private static bool Contains(IReadOnlyList<Satisfaction> list, Satisfaction s)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == s) return true;
        return false;
    }
}
