using KefuScore.Engine.Events;

namespace KefuScore.Engine.Tests.Simulation;

/// <summary>Plain-loop measures of a simulated run, independent of the engine's own metric code.</summary>
internal static class Stats
{
    /// <summary>Share of customer messages whose next human agent message in the conversation came within <paramref name="seconds"/>.</summary>
    public static double AnsweredWithin(IEnumerable<ChatEvent> events, int seconds)
    {
        var waiting = new Dictionary<(string, string), List<DateTimeOffset>>();
        long total = 0, fast = 0;
        foreach (var e in events)
        {
            if (e.Type != EventType.Message) continue;
            var key = (e.Shop, e.Conversation!);
            if (e.IsCustomerMessage)
            {
                total++;
                if (!waiting.TryGetValue(key, out var list)) waiting[key] = list = [];
                list.Add(e.At);
            }
            else if (e.IsHumanReply && waiting.TryGetValue(key, out var list))
            {
                fast += list.Count(at => (e.At - at).TotalSeconds <= seconds);
                list.Clear();
            }
        }
        return total == 0 ? 0 : (double)fast / total;
    }

    /// <summary>Mean rating stars of conversations whose worst wait was within, and beyond, <paramref name="seconds"/>.</summary>
    public static (double Fast, double Slow) MeanStarsByWait(IEnumerable<ChatEvent> events, int seconds)
    {
        var worst = new Dictionary<(string, string), double>();
        var waiting = new Dictionary<(string, string), DateTimeOffset>();
        var fast = new List<int>();
        var slow = new List<int>();
        foreach (var e in events)
        {
            if (e.Conversation is null) continue;
            var key = (e.Shop, e.Conversation);
            if (e.IsCustomerMessage) waiting.TryAdd(key, e.At);
            else if (e.IsHumanReply && waiting.Remove(key, out var since))
                worst[key] = Math.Max(worst.GetValueOrDefault(key), (e.At - since).TotalSeconds);
            else if (e.Type == EventType.Rating)
                (worst.GetValueOrDefault(key) <= seconds && !waiting.ContainsKey(key) ? fast : slow).Add(e.Stars);
        }
        return (fast.Average(), slow.Average());
    }
}
