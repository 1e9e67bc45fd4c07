using System.Text.Encodings.Web;
using System.Text.Json;
using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.App.Reports;

/// <summary>Writes a report in the JSON shape of SPEC §6: the field names are a contract other tools read.</summary>
public static class ReportJson
{
    public static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const int FlushBytes = 1 << 16;

    public static void Write(Stream output, Report report, FoldRun run)
    {
        using var w = new Utf8JsonWriter(output, Options);
        w.WriteStartObject();
        w.WriteString("profile", report.Profile);
        w.WriteString("timezone", report.TimeZone);
        w.WriteString("by", Periods.Name(report.By));
        w.WriteStartObject("events");
        w.WriteNumber("read", run.Read);
        w.WriteNumber("duplicates", run.Duplicates);
        w.WriteNumber("rejected", run.Rejected.Count);
        w.WriteEndObject();
        WriteRejected(w, run.Rejected, includeFile: true);
        w.WriteStartArray("shops");
        foreach (var shop in report.Shops)
        {
            WriteShop(w, shop);
            // The writer keeps what it has not flushed in one growing buffer: 48 MB of JSON on 1,000 shops x 30 days
            // would be held (and copied as it doubles) until the end.
            if (w.BytesPending >= FlushBytes) w.Flush();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteShop(Utf8JsonWriter w, ShopReport shop)
    {
        w.WriteStartObject();
        w.WriteString("shop", shop.Shop);
        WritePeriods(w, shop.Periods);
        w.WriteStartArray("agents");
        foreach (var agent in shop.Agents)
        {
            w.WriteStartObject();
            w.WriteString("agent", agent.Agent);
            WritePeriods(w, agent.Periods);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteRejected(Utf8JsonWriter w, IEnumerable<RejectedLine> rejected, bool includeFile)
    {
        w.WriteStartArray("rejected");
        foreach (var r in rejected)
        {
            w.WriteStartObject();
            if (includeFile) w.WriteString("file", r.File);
            w.WriteNumber("line", r.Line);
            w.WriteString("field", r.Field);
            w.WriteString("reason", r.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WritePeriods(Utf8JsonWriter w, IReadOnlyList<PeriodReport> periods)
    {
        w.WriteStartArray("periods");
        foreach (var p in periods)
        {
            w.WriteStartObject();
            w.WriteString("period", p.Period);
            w.WriteStartObject("metrics");
            foreach (var m in p.Metrics)
            {
                w.WriteStartObject(m.Metric.Id);
                switch (m.Metric.Shape)
                {
                    case MetricShape.Rate:
                        w.WriteNumber("numerator", m.Cell.Numerator);
                        w.WriteNumber("denominator", m.Cell.Denominator);
                        break;
                    case MetricShape.Average:
                        w.WriteNumber("sum", m.Cell.SumSeconds);
                        w.WriteNumber("count", m.Cell.Count);
                        break;
                }
                if (m.Value is { } v) w.WriteNumber("value", v); else w.WriteNull("value");
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartArray("verdicts");
            foreach (var v in p.Verdicts)
            {
                w.WriteStartObject();
                w.WriteString("rule", v.Rule);
                w.WriteString("status", v.Status switch { VerdictStatus.Pass => "pass", VerdictStatus.Fail => "fail", _ => "none" });
                if (v.Consequence is { } c) WriteConsequence(w, c); else w.WriteNull("consequence");
                w.WriteString("detail", v.Detail);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteConsequence(Utf8JsonWriter w, Consequence c)
    {
        w.WriteStartObject("consequence");
        w.WriteString("kind", c.Kind);
        if (c.Amount is { } a) w.WriteNumber("amount", a);
        if (c.Points is { } p) w.WriteNumber("points", p);
        w.WriteEndObject();
    }
}
