using FsCheck.Xunit;
using KefuScore.App.Score;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Score;

/// <summary>The score's order side joins at the end: any arrival order gives the same score and diagnosis.</summary>
public sealed class ScoreProperties
{
    private static List<ChatEvent> Orders(int seed)
    {
        var random = new Random(seed);
        var events = new List<ChatEvent>();
        var start = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.FromHours(8));
        for (var o = 0; o < 30; o++)
        {
            var paid = start.AddMinutes(random.Next(20 * 24 * 60));
            ChatEvent E(EventType type, string action, double hours, string? kind = null) =>
                new() { Type = type, Id = $"o{o}-{action}", Shop = "s0", Order = $"o{o}", Action = action, Category = kind, At = paid.AddHours(hours) };
            events.Add(E(EventType.Shipment, "paid", 0));
            events.Add(E(EventType.Shipment, "picked_up", random.Next(2, 40)));
            if (random.Next(5) > 0) events.Add(E(EventType.Shipment, "delivered", random.Next(40, 120)));
            if (random.Next(4) == 0)
            {
                events.Add(E(EventType.Aftersale, "requested", 130, random.Next(2) == 0 ? "refund" : "return"));
                events.Add(E(EventType.Aftersale, random.Next(3) == 0 ? "refused" : "completed", 130 + random.Next(1, 80)));
            }
            events.Add(new ChatEvent { Type = EventType.Review, Id = $"o{o}-review", Shop = "s0", Order = $"o{o}", Stars = (byte)random.Next(1, 6), At = paid.AddHours(125) });
        }
        return events;
    }

    [Property(MaxTest = 30)]
    public bool Shuffled_events_give_the_same_score_and_contributions_that_add_up(int seed)
    {
        var profile = Profiles.Builtin.Get("douyin-feige");
        var events = Orders(seed).Concat(RandomChats.Generate(seed, conversations: 40, days: 20).Where(e => e.Shop == "s0")).ToList();
        var a = new ScoreQuery(profile, ScoreRunner.Run(profile, events));
        var b = new ScoreQuery(profile, ScoreRunner.Run(profile, RandomChats.Shuffle(events, seed + 7)));
        var v2 = a.Version("v2");
        var to = new DateOnly(2026, 11, 30);
        var (x, y) = (a.Score("s0", v2, "default", to), b.Score("s0", v2, "default", to));
        if (x.Total != y.Total) return false;
        var diagnosis = a.Diagnose("s0", v2, "default", new DateOnly(2026, 11, 12), new DateOnly(2026, 11, 24));
        return Math.Abs(diagnosis.Indicators.Sum(c => c.Contribution) + diagnosis.RuleChange - diagnosis.Change) < 1e-9;
    }
}
