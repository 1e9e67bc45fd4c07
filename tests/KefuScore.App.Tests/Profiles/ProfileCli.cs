using System.Text.Json;
using KefuScore.App.Tests.Cli;
using KefuScore.App.Tests.Reading;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Profiles;

/// <summary>
/// Runs literal events through <c>kefu report --profile ID --format json</c> (the whole path a shop uses: file,
/// reader, fold, report, JSON) and reads periods back by label.
/// </summary>
internal sealed class ProfileCli(string profile) : IDisposable
{
    private readonly TempDir _dir = new();

    public JsonElement Report(IEnumerable<ChatEvent> events, string by = "day")
    {
        var path = _dir.File($"events-{Guid.NewGuid():N}.jsonl");
        EventWriter.Write(path, events);
        var (exit, stdout, stderr) = KefuCli.Run("report", "--input", path, "--profile", profile, "--by", by, "--format", "json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.Clone();
    }

    public JsonElement Period(IEnumerable<ChatEvent> events, string period, string by = "day") =>
        Report(events, by).GetProperty("shops")[0].GetProperty("periods").EnumerateArray().Single(p => p.GetProperty("period").GetString() == period);

    public void Dispose() => _dir.Dispose();

    /// <summary>A complaint filed in a conversation (SPEC §3 <c>complaint</c>).</summary>
    public static ChatEvent Complaint(Chat chat, string time, string category = "attitude", string? id = null) => new()
    {
        Type = EventType.Complaint, Id = id ?? $"{chat.Conversation}-k{time}", Shop = chat.Shop, At = chat.At(time),
        Conversation = chat.Conversation, Category = category,
    };
}

internal static class PeriodJson
{
    public static (long Numerator, long Denominator) Ratio(this JsonElement period, string metric)
    {
        var m = period.GetProperty("metrics").GetProperty(metric);
        return (m.GetProperty("numerator").GetInt64(), m.GetProperty("denominator").GetInt64());
    }

    public static double? Value(this JsonElement period, string metric)
    {
        var v = period.GetProperty("metrics").GetProperty(metric).GetProperty("value");
        return v.ValueKind == JsonValueKind.Null ? null : v.GetDouble();
    }

    public static JsonElement Verdict(this JsonElement period, string rule) =>
        period.GetProperty("verdicts").EnumerateArray().Single(v => v.GetProperty("rule").GetString() == rule);

    public static string Status(this JsonElement period, string rule) => period.Verdict(rule).GetProperty("status").GetString()!;

    public static int? Points(this JsonElement period, string rule) =>
        period.Verdict(rule).GetProperty("consequence") is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty("points", out var p) ? p.GetInt32() : null;
}
