using KefuScore.Engine.Events;

namespace KefuScore.Tests;

/// <summary>Random but reproducible event streams for property tests: several shops, conversations over a few days.</summary>
public static class RandomChats
{
    public static List<ChatEvent> Generate(int seed, int conversations = 40, int days = 3)
    {
        var random = new Random(seed);
        var events = new List<ChatEvent>();
        var start = new DateTimeOffset(2026, 11, 19, 0, 0, 0, TimeSpan.FromHours(8));
        for (var c = 0; c < conversations; c++)
        {
            var shop = $"s{random.Next(3)}";
            var conversation = $"c{c}";
            var t = start.AddSeconds(random.Next(days * 86_400));
            var n = random.Next(1, 12);
            var id = 0;
            for (var k = 0; k < n; k++)
            {
                t = t.AddSeconds(random.Next(0, 400) * (random.Next(20) == 0 ? 60 : 1));
                var roll = random.Next(100);
                var e = roll switch
                {
                    < 45 => Message(shop, conversation, $"{conversation}-{id++}", t, Sender.Customer, null, MessageKind.Text),
                    < 80 => Message(shop, conversation, $"{conversation}-{id++}", t, Sender.Agent, $"a{random.Next(4)}", MessageKind.Text),
                    < 85 => Message(shop, conversation, $"{conversation}-{id++}", t, Sender.Agent, "a1", MessageKind.Auto),
                    < 90 => Message(shop, conversation, $"{conversation}-{id++}", t, Sender.Bot, null, random.Next(2) == 0 ? MessageKind.Assist : MessageKind.Text),
                    < 93 => new ChatEvent { Type = EventType.Session, Id = $"{conversation}-{id++}", Shop = shop, At = t, Conversation = conversation, Action = "transferred", Agent = $"a{random.Next(4)}" },
                    _ => new ChatEvent { Type = EventType.Rating, Id = $"{conversation}-{id++}", Shop = shop, At = t, Conversation = conversation, Stars = (byte)random.Next(1, 6) },
                };
                events.Add(e);
                // Now and then the same event twice (a re-sent batch).
                if (random.Next(30) == 0) events.Add(e);
            }
        }
        events.Sort((a, b) => a.Ticks.CompareTo(b.Ticks));
        return events;
    }

    private static ChatEvent Message(string shop, string conversation, string id, DateTimeOffset at, Sender sender, string? agent, MessageKind kind) =>
        new() { Type = EventType.Message, Id = id, Shop = shop, At = at, Conversation = conversation, Customer = sender == Sender.Customer ? "u" + conversation : null, Sender = sender, Agent = agent, Kind = kind };

    public static List<T> Shuffle<T>(IEnumerable<T> items, int seed)
    {
        var list = items.ToList();
        var random = new Random(seed);
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }

    /// <summary>Shuffles within consecutive blocks of <paramref name="block"/> by event time (data arriving roughly in order).</summary>
    public static List<ChatEvent> ShuffleWithinBlocks(IEnumerable<ChatEvent> sorted, TimeSpan block, int seed) =>
        sorted.GroupBy(e => e.Ticks / block.Ticks).SelectMany(g => Shuffle(g, seed ^ (int)g.Key)).ToList();
}
