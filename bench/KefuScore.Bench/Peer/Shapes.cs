using System.Globalization;
using System.Text;

namespace KefuScore.Bench.Peer;

/// <summary>
/// The three marketplace shapes of issue 14, as SPEC §3 CSV with message events only (string ids, instants with
/// milliseconds at +08:00), about 8 events a conversation: <c>uniform</c> 100 shops × 63 days, <c>zipf</c> 1,000 shops
/// with Zipf-like traffic (s = 1.1) × 30 days, <c>wide</c> 20,000 shops × 1 day. Replies mostly come in seconds to
/// minutes; some never, and some days later (SPEC §4 counts their full delay). Same shape, events and seed → same file.
/// Lines are written in time order, day by day: replies that fall on a later day wait in that day's bucket.
/// </summary>
public static class Shapes
{
    public static readonly string[] Names = ["uniform", "zipf", "wide"];

    private static readonly string[] Texts = ["在吗", "这个有货吗", "什么时候发货", "可以便宜点吗", "尺码怎么选", "好的谢谢", "亲在的", "您好，有的哦", "今天下单明天发", "亲，已经帮您备注了"];

    public static (int Shops, int Days) Of(string shape) => shape switch
    {
        "uniform" => (100, 63),
        "zipf" => (1000, 30),
        "wide" => (20000, 1),
        _ => throw new ArgumentException($"--shape must be one of {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// Writes about <paramref name="events"/> events of <paramref name="shape"/>; returns how many it wrote. With
    /// <paramref name="onlyDays"/>, only the first days are written, at the density of the whole shape.
    /// </summary>
    public static long Write(string path, string shape, long events, long seed = 14, int? onlyDays = null)
    {
        var (shops, days) = Of(shape);
        var random = new Random((int)seed);
        var weights = new double[shops];
        for (var i = 0; i < shops; i++) weights[i] = shape == "zipf" ? 1.0 / Math.Pow(i + 1, 1.1) : 1.0;
        var total = weights.Sum();
        // Conversations per shop and day, from the shop's share of the events (8 on average per conversation).
        var perDay = weights.Select(w => events * w / total / days / 8.0).ToArray();

        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var buckets = new SortedDictionary<int, List<(long Ticks, string Line)>>();
        long written = 0, id = 0, conversation = 0;
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("type,id,shop,at,conversation,customer,sender,agent,kind,text\n");

        void Add(DateTimeOffset at, string shop, string conv, string customer, bool fromCustomer, string agent)
        {
            var day = (int)((at - start).Ticks / TimeSpan.TicksPerDay);
            if (!buckets.TryGetValue(day, out var list)) buckets[day] = list = [];
            var text = Texts[random.Next(fromCustomer ? 0 : 6, fromCustomer ? 6 : Texts.Length)];
            var line = string.Create(CultureInfo.InvariantCulture,
                $"message,m{++id},{shop},{at:yyyy-MM-dd'T'HH:mm:ss.fffzzz},{conv},{customer},{(fromCustomer ? "customer" : "agent")},{(fromCustomer ? "" : agent)},text,{text}\n");
            list.Add((at.UtcTicks, line));
        }

        for (var d = 0; d < Math.Min(days, onlyDays ?? days); d++)
        {
            for (var s = 0; s < shops; s++)
            {
                var expected = perDay[s];
                var n = (int)expected + (random.NextDouble() < expected - Math.Floor(expected) ? 1 : 0);
                var shop = $"shop{s + 1}";
                for (var c = 0; c < n; c++)
                {
                    var conv = $"{shop}-c{++conversation}";
                    var customer = $"u{random.Next(1, 1_000_000)}";
                    var agent = $"{shop}-a{random.Next(1, 7)}";
                    // Busy 09:00–23:00, a trickle at night.
                    var hour = random.NextDouble() < 0.9 ? 9 + random.Next(14) : random.Next(24);
                    var t = start.AddDays(d).AddHours(hour).AddMilliseconds(random.Next(3_600_000));
                    var rounds = random.Next(2, 6); // 2-5 rounds of about two events: 8 on average with the extras
                    for (var r = 0; r < rounds; r++)
                    {
                        var asks = random.NextDouble() < 0.3 ? 2 : 1;
                        for (var a = 0; a < asks; a++)
                        {
                            Add(t, shop, conv, customer, true, agent);
                            t = t.AddMilliseconds(random.Next(1_000, 40_000));
                        }
                        var fate = random.NextDouble();
                        if (fate < 0.02) break;                       // never answered
                        var wait = fate < 0.025 ? random.Next(86_400_000, 3 * 86_400_000) // days later
                            : fate < 0.10 ? random.Next(180_000, 900_000)                 // late
                            : random.Next(2_000, 150_000);                                // in time
                        t = t.AddMilliseconds(wait);
                        Add(t, shop, conv, customer, false, agent);
                        if (random.NextDouble() < 0.3) { t = t.AddMilliseconds(random.Next(2_000, 20_000)); Add(t, shop, conv, customer, false, agent); }
                        t = t.AddMilliseconds(random.Next(5_000, 300_000));
                    }
                }
            }
            // Everything before the next day is final: write it in time order.
            while (buckets.Count > 0 && buckets.First().Key <= d)
            {
                var (key, list) = buckets.First();
                buckets.Remove(key);
                list.Sort((x, y) => x.Ticks.CompareTo(y.Ticks));
                foreach (var (_, line) in list) writer.Write(line);
                written += list.Count;
            }
        }
        foreach (var (_, list) in buckets)
        {
            list.Sort((x, y) => x.Ticks.CompareTo(y.Ticks));
            foreach (var (_, line) in list) writer.Write(line);
            written += list.Count;
        }
        return written;
    }
}
