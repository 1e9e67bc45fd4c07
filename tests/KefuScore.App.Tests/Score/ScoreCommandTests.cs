using System.Globalization;
using System.Text.Json;
using KefuScore.App.Tests.Cli;
using KefuScore.App.Tests.Reading;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Score;

/// <summary>`kefu score` (SPEC §5.4, issue 6): the worked examples through the command line, and diagnosis.</summary>
public sealed class ScoreCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DateTimeOffset At(string local) => DateTimeOffset.Parse(local + "+08:00", CultureInfo.InvariantCulture);

    private static ChatEvent Order(string id, string type, string action, string at, string? kind = null) => new()
    {
        Type = type == "shipment" ? EventType.Shipment : EventType.Aftersale, Id = $"{id}-{action}", Shop = "s1", At = At(at), Order = id, Action = action, Category = kind,
    };

    private static ChatEvent Review(string order, int stars, string at) => new() { Type = EventType.Review, Id = $"{order}-review", Shop = "s1", At = At(at), Order = order, Stars = (byte)stars };

    /// <summary>
    /// 20 orders paid on 2026-11-01…20 at 10:00: 19 picked up within 24 h (o20 after 30 h), all delivered 48 h after
    /// payment, 20 reviews of 5 stars; o1 asks for a return at +72 h, completed 24 h later; one chat a day answered in
    /// 30 s and rated 5 stars.
    /// </summary>
    private static List<ChatEvent> GoodMonth()
    {
        var events = new List<ChatEvent>();
        for (var i = 1; i <= 20; i++)
        {
            var day = new DateOnly(2026, 11, i);
            var paid = day.ToDateTime(new TimeOnly(10, 0));
            string T(double hours) => paid.AddHours(hours).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
            var id = $"o{i}";
            events.Add(Order(id, "shipment", "paid", T(0)));
            events.Add(Order(id, "shipment", "shipped", T(2)));
            events.Add(Order(id, "shipment", "picked_up", T(i == 20 ? 30 : 20)));
            events.Add(Order(id, "shipment", "delivered", T(48)));
            events.Add(Review(id, 5, T(50)));
            events.AddRange(Chat.On(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), conversation: $"c{i}", customer: $"u{i}")
                .Customer("11:00:00").Agent("11:00:30").Rating("11:05:00", stars: 5).Events);
        }
        events.Add(Order("o1", "aftersale", "requested", "2026-11-04T10:00:00", "return"));
        events.Add(Order("o1", "aftersale", "completed", "2026-11-05T10:00:00"));
        return events;
    }

    private string Write(IEnumerable<ChatEvent> events, string name = "events.jsonl")
    {
        var path = _dir.File(name);
        EventWriter.Write(path, events);
        return path;
    }

    private static JsonElement Json(string stdout)
    {
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.Clone();
    }

    [Fact]
    public void V2_default_weights_through_what_if_product_76_logistics_73_service_60_give_69()
    {
        var (exit, stdout, stderr) = KefuCli.Run("score", "--input", Write(GoodMonth()), "--profile", "douyin-feige", "--version", "v2",
            "--to", "2026-11-30", "--what-if", "product=76", "logistics=73", "service=60", "--format", "json");
        Assert.True(exit == 0, stderr);
        var s = Json(stdout);
        Assert.Equal("v2", s.GetProperty("version").GetString());
        Assert.Equal("default", s.GetProperty("industry").GetString());
        Assert.Equal("2026-11-01", s.GetProperty("from").GetString());
        Assert.Equal("2026-11-30", s.GetProperty("to").GetString());
        Assert.Equal(69.0, s.GetProperty("score").GetDouble());
        Assert.Equal([50.0, 100.0], s.GetProperty("scale").EnumerateArray().Select(x => x.GetDouble()));
        var dims = s.GetProperty("dimensions");
        Assert.Equal(76.0, dims.GetProperty("product").GetProperty("score").GetDouble());
        Assert.Equal(0.4, dims.GetProperty("product").GetProperty("weight").GetDouble());
        Assert.Equal(0.2, dims.GetProperty("logistics").GetProperty("weight").GetDouble());
        Assert.Equal(60.0, dims.GetProperty("service").GetProperty("score").GetDouble());
    }

    [Fact]
    public void A_month_of_literal_events_scores_product_98_logistics_92_service_98_and_96_8_under_v2()
    {
        var (exit, stdout, stderr) = KefuCli.Run("score", "--input", Write(GoodMonth()), "--to", "2026-11-30", "--format", "json");
        Assert.True(exit == 0, stderr);
        var dims = Json(stdout).GetProperty("dimensions");
        double Value(string dim, string id) => dims.GetProperty(dim).GetProperty("indicators").GetProperty(id).GetProperty("value").GetDouble();
        double Score(string dim, string id) => dims.GetProperty(dim).GetProperty("indicators").GetProperty(id).GetProperty("score").GetDouble();
        // Product: no negative review (100), 1 return of 20 paid orders = 0.05 (90), no quality complaint (100).
        Assert.Equal(0.05, Value("product", "return_rate"));
        Assert.Equal(90.0, Score("product", "return_rate"));
        Assert.Equal(98.0, dims.GetProperty("product").GetProperty("score").GetDouble());
        // Logistics: 19 of 20 picked up within 24 h = 0.95 (90), 48 h delivery (90), no problems (100).
        Assert.Equal(0.95, Value("logistics", "pickup_24h_rate"));
        Assert.Equal(48.0, Value("logistics", "delivery_hours"));
        Assert.Equal(92.0, dims.GetProperty("logistics").GetProperty("score").GetDouble());
        // Service: every reply within 3 min (100), 30 s average (90), no dissatisfaction, complaint or refusal (100 each), refund in 24 h (90).
        Assert.Equal(30.0, Value("service", "avg_reply_seconds"));
        Assert.Equal(24.0, Value("service", "refund_hours"));
        Assert.Equal(98.0, dims.GetProperty("service").GetProperty("score").GetDouble());
        Assert.Equal(96.8, Json(stdout).GetProperty("score").GetDouble());
    }

    [Fact]
    public void V1_service_82_becomes_90_when_both_standards_are_met_and_93_stays_93()
    {
        // The good month meets 优秀客服 (reply rate 1 ≥ 0.9, dissatisfaction 0 ≤ 0.05) and 优秀售后 (no refusal, refunds in 24 h ≤ 48).
        var input = Write(GoodMonth());
        var (exit, stdout, stderr) = KefuCli.Run("score", "--input", input, "--version", "v1", "--to", "2026-11-30", "--what-if", "service=82", "--format", "json");
        Assert.True(exit == 0, stderr);
        var s = Json(stdout);
        Assert.Equal([3.0, 5.0], s.GetProperty("scale").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal("2026-09-02", s.GetProperty("from").GetString()); // 90 days
        Assert.Equal(90.0, s.GetProperty("dimensions").GetProperty("service").GetProperty("score").GetDouble());
        // 0.40 × 98 + 0.25 × 92 + 0.35 × 90 = 93.7 → 3 + 2 × 0.937 = 4.874
        Assert.Equal(4.87, s.GetProperty("score").GetDouble());
        (exit, stdout, _) = KefuCli.Run("score", "--input", input, "--version", "v1", "--to", "2026-11-30", "--what-if", "service=93", "--format", "json");
        Assert.Equal(93.0, Json(stdout).GetProperty("dimensions").GetProperty("service").GetProperty("score").GetDouble());
    }

    [Fact]
    public void V1_service_82_stays_82_when_only_excellent_service_is_met()
    {
        // Two after-sales refusals of three requests: 优秀售后 fails (0.67 > 0.05), 优秀客服 still holds.
        var events = GoodMonth();
        events.Add(Order("o2", "aftersale", "requested", "2026-11-06T10:00:00", "refund"));
        events.Add(Order("o2", "aftersale", "refused", "2026-11-06T12:00:00"));
        events.Add(Order("o3", "aftersale", "requested", "2026-11-07T10:00:00", "refund"));
        events.Add(Order("o3", "aftersale", "refused", "2026-11-07T12:00:00"));
        var (exit, stdout, stderr) = KefuCli.Run("score", "--input", Write(events), "--version", "v1", "--to", "2026-11-30", "--what-if", "service=82", "--format", "json");
        Assert.True(exit == 0, stderr);
        var service = Json(stdout).GetProperty("dimensions").GetProperty("service");
        Assert.Equal(82.0, service.GetProperty("score").GetDouble());
        Assert.Equal(2.0 / 3, service.GetProperty("indicators").GetProperty("aftersale_refusal_rate").GetProperty("value").GetDouble(), 6);
    }

    [Fact]
    public void What_if_an_indicator_value_recomputes_its_dimension()
    {
        // reply rate 0.9 → 80 instead of 100: service loses 0.3 × 20 = 6 points (98 → 92), the total 0.4 × 6 = 2.4 (96.8 → 94.4).
        var (exit, stdout, stderr) = KefuCli.Run("score", "--input", Write(GoodMonth()), "--to", "2026-11-30", "--what-if", "reply_rate_3min=0.9", "--format", "json");
        Assert.True(exit == 0, stderr);
        var s = Json(stdout);
        Assert.Equal(92.0, s.GetProperty("dimensions").GetProperty("service").GetProperty("score").GetDouble());
        Assert.Equal(94.4, s.GetProperty("score").GetDouble());
    }

    [Fact]
    public void Diagnosis_splits_the_drop_over_indicators_and_names_the_slow_agent_and_the_seeds_advice()
    {
        // November as above; in December agent a2 answers every chat after 5 minutes.
        var events = GoodMonth();
        for (var i = 1; i <= 20; i++)
            events.AddRange(Chat.On($"2026-12-{i:00}", conversation: $"d{i}", customer: $"v{i}").Customer("11:00:00").Agent("11:05:00", agent: "a2").Rating("11:06:00", stars: 5).Events);
        var (exit, stdout, stderr) = KefuCli.Run("score", "--input", Write(events), "--diagnose", "--from", "2026-12-01", "--to", "2026-12-20",
            "--against", "2026-11-20", "--format", "json");
        Assert.True(exit == 0, stderr);
        var x = Json(stdout);
        var change = x.GetProperty("change").GetDouble();
        Assert.True(change < 0);
        var contributions = x.GetProperty("contributions").EnumerateArray().ToList();
        Assert.Equal(change, contributions.Sum(c => c.GetProperty("contribution").GetDouble()) + x.GetProperty("rules_change").GetDouble(), 3);
        var worst = contributions[0];
        Assert.Equal("reply_rate_3min", worst.GetProperty("indicator").GetString());
        Assert.Equal("slow_reply", worst.GetProperty("category").GetString());
        Assert.Equal("回复慢", worst.GetProperty("reason").GetProperty("zh-CN").GetString());
        Assert.Contains("及时回复", worst.GetProperty("advice").GetProperty("zh-CN").GetString(), StringComparison.Ordinal);
        var a2 = worst.GetProperty("drivers").EnumerateArray().Single(d => d.GetProperty("driver").GetString() == "agent:a2");
        Assert.Equal(1.0, a2.GetProperty("change").GetDouble()); // every December item missed, all a2's
        Assert.Contains(worst.GetProperty("drivers").EnumerateArray(), d => d.GetProperty("driver").GetString() == "hour:11");
    }

    [Fact]
    public void A_profile_without_a_score_and_a_bad_what_if_are_usage_errors()
    {
        var input = Write(GoodMonth());
        var (exit, _, stderr) = KefuCli.Run("score", "--input", input, "--profile", "taobao");
        Assert.Equal(2, exit);
        Assert.Contains("has no experience score", stderr, StringComparison.Ordinal);
        (exit, _, stderr) = KefuCli.Run("score", "--input", input, "--what-if", "speed=3");
        Assert.Equal(2, exit);
        Assert.Contains("'speed' is neither a dimension", stderr, StringComparison.Ordinal);
        (exit, _, stderr) = KefuCli.Run("score", "--input", input, "--industry", "apparel");
        Assert.Equal(2, exit);
        Assert.Contains("'apparel' has no weights in version v2", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void History_gives_one_score_per_day()
    {
        var (exit, stdout, stderr) = KefuCli.Run("score", "--input", Write(GoodMonth()), "--history", "--from", "2026-11-19", "--to", "2026-11-21");
        Assert.True(exit == 0, stderr);
        var days = Json(stdout).GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["2026-11-19", "2026-11-20", "2026-11-21"], days.Select(d => d.GetProperty("date").GetString()));
        Assert.All(days, d => Assert.True(d.GetProperty("score").GetDouble() >= 50));
    }
}
