using System.Globalization;
using System.Text.Json;
using KefuScore.App.Reports;
using KefuScore.Engine.Score;

namespace KefuScore.App.Score;

/// <summary>The JSON of <c>kefu score</c> and of the score endpoint (docs/score.md): field names are a contract.</summary>
public static class ScoreJson
{
    private static double R(double v, int digits = 2) => Math.Round(v, digits, MidpointRounding.AwayFromZero);

    private static void Number(Utf8JsonWriter w, string name, double? v, int digits = 2)
    {
        if (v is { } x) w.WriteNumber(name, R(x, digits)); else w.WriteNull(name);
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static void Write(Stream output, string profile, string shop, ScoreResult s)
    {
        using var w = new Utf8JsonWriter(output, ReportJson.Options);
        WriteScore(w, profile, shop, s);
    }

    public static void WriteScore(Utf8JsonWriter w, string profile, string shop, ScoreResult s)
    {
        w.WriteStartObject();
        w.WriteString("profile", profile);
        w.WriteString("shop", shop);
        WriteBody(w, s);
        w.WriteEndObject();
    }

    private static void WriteBody(Utf8JsonWriter w, ScoreResult s)
    {
        w.WriteString("version", s.Version);
        w.WriteString("industry", s.Industry);
        w.WriteString("from", Date(s.From));
        w.WriteString("to", Date(s.To));
        Number(w, "score", s.Total);
        w.WriteStartArray("scale");
        w.WriteNumberValue(s.ScaleMin);
        w.WriteNumberValue(s.ScaleMax);
        w.WriteEndArray();
        w.WriteStartObject("dimensions");
        foreach (var d in s.Dimensions)
        {
            w.WriteStartObject(d.Dimension);
            Number(w, "score", d.Score);
            w.WriteNumber("weight", d.Weight);
            if (d.Note is not null) w.WriteString("note", d.Note);
            w.WriteStartObject("indicators");
            foreach (var i in d.Indicators)
            {
                w.WriteStartObject(i.Spec.Id);
                Number(w, "value", i.Value, 6);
                Number(w, "score", i.Score);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>A daily history: one score per day (what the dashboard's history chart draws).</summary>
    public static void WriteHistory(Stream output, string profile, string shop, IReadOnlyList<ScoreResult> history)
    {
        using var w = new Utf8JsonWriter(output, ReportJson.Options);
        w.WriteStartObject();
        w.WriteString("profile", profile);
        w.WriteString("shop", shop);
        w.WriteStartArray("history");
        foreach (var s in history)
        {
            w.WriteStartObject();
            w.WriteString("date", Date(s.To));
            Number(w, "score", s.Total);
            foreach (var d in s.Dimensions) Number(w, d.Dimension, d.Score);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteDiagnosis(Stream output, string profile, string shop, Diagnosis x)
    {
        using var w = new Utf8JsonWriter(output, ReportJson.Options);
        w.WriteStartObject();
        w.WriteString("profile", profile);
        w.WriteString("shop", shop);
        w.WriteString("version", x.Current.Version);
        w.WriteString("industry", x.Current.Industry);
        foreach (var (name, s) in new[] { ("against", x.Against), ("current", x.Current) })
        {
            w.WriteStartObject(name);
            w.WriteString("from", Date(s.From));
            w.WriteString("to", Date(s.To));
            Number(w, "score", s.Total);
            foreach (var d in s.Dimensions) Number(w, d.Dimension, d.Score);
            w.WriteEndObject();
        }
        w.WriteNumber("change", R(x.Change, 4));
        w.WriteNumber("rules_change", R(x.RuleChange, 4));
        w.WriteStartArray("contributions");
        foreach (var c in x.Indicators.OrderBy(c => c.Contribution).ThenBy(c => c.Spec.Id, StringComparer.Ordinal))
        {
            var advice = Advice.For(c.Spec.Category);
            w.WriteStartObject();
            w.WriteString("indicator", c.Spec.Id);
            w.WriteString("name", c.Spec.Name("zh-CN"));
            w.WriteString("dimension", c.Spec.Dimension);
            Number(w, "against", c.Against, 6);
            Number(w, "value", c.Value, 6);
            w.WriteNumber("contribution", R(c.Contribution, 4));
            WriteAdvice(w, advice);
            w.WriteStartArray("drivers");
            foreach (var d in c.Drivers)
            {
                w.WriteStartObject();
                w.WriteString("driver", d.Driver);
                w.WriteNumber("against", R(d.Against, 6));
                w.WriteNumber("value", R(d.Value, 6));
                w.WriteNumber("change", R(d.Change, 6));
                if (d.Family == "category") w.WriteString("seed_category", Advice.OfComplaint(d.Driver["category:".Length..]));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("categories");
        foreach (var g in x.Indicators.GroupBy(c => c.Spec.Category).OrderBy(g => g.Sum(c => c.Contribution)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteNumber("contribution", R(g.Sum(c => c.Contribution), 4));
            WriteAdvice(w, Advice.For(g.Key));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteAdvice(Utf8JsonWriter w, Advice.Entry a)
    {
        w.WriteString("category", a.Category);
        w.WriteStartObject("reason");
        w.WriteString("zh-CN", a.ReasonZh);
        w.WriteString("en", a.ReasonEn);
        w.WriteEndObject();
        w.WriteStartObject("advice");
        w.WriteString("zh-CN", a.AdviceZh);
        w.WriteString("en", a.AdviceEn);
        w.WriteEndObject();
    }
}
