using KefuScore.App.Calendars;
using KefuScore.App.Storage;
using KefuScore.App.Yaml;
using KefuScore.Engine.Calendars;
using KefuScore.Engine.Complaints;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Complaints;

/// <summary>
/// A shop's quality documents in <c>shop_settings</c>: <c>calendar</c> (business hours, docs/quality.md),
/// <c>complaints</c> (deadlines), <c>faq</c> (the knowledge base CSV), <c>faq_policy</c> and <c>incentives</c>. A document is checked
/// before it is stored, so a stored one always loads.
/// </summary>
public static class ShopSettings
{
    public const string Calendar = "calendar";
    public const string Complaints = "complaints";
    public const string Faq = "faq";
    public const string FaqPolicy = "faq_policy";
    public const string Incentives = "incentives";

    public static IReadOnlyList<string> Kinds { get; } = [Calendar, Complaints, Faq, FaqPolicy, Incentives];

    /// <summary>
    /// The calendar of a shop without one: open round the clock in China. The seeds say 抖店 service should cover
    /// all 24 hours (seeds/001: 服务时间全覆盖), so a complaint's clock runs all day until the shop says otherwise.
    /// </summary>
    public const string AlwaysOpenCalendar = """
        timezone: Asia/Shanghai
        week: { mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"], thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"] }
        """;

    public static async Task<string?> Get(KefuDb db, string shop, string kind, CancellationToken ct = default) =>
        await db.Set<ShopSettingRow>().Where(r => r.Shop == shop && r.Kind == kind).Select(r => r.Text).SingleOrDefaultAsync(ct);

    /// <summary>Stores a document (check it first with <see cref="Check"/>).</summary>
    public static async Task Put(KefuDb db, string shop, string kind, string text, long nowTicks, CancellationToken ct = default)
    {
        var row = await db.Set<ShopSettingRow>().SingleOrDefaultAsync(r => r.Shop == shop && r.Kind == kind, ct);
        if (row is null) db.Add(new ShopSettingRow { Shop = shop, Kind = kind, Text = text, UpdatedTicks = nowTicks });
        else
        {
            row.Text = text;
            row.UpdatedTicks = Math.Max(nowTicks, row.UpdatedTicks + 1);   // also the FAQ index version: always moves on
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Checks a document of <paramref name="kind"/>; throws <see cref="YamlFileException"/> (or the FAQ's own error) naming the problem.</summary>
    public static void Check(string kind, string text, string source)
    {
        switch (kind)
        {
            case Calendar: CalendarLoader.Compile(CalendarLoader.Parse(text, source)); break;
            case Complaints: ComplaintPolicyLoader.Parse(text, source); break;
            case Faq: KefuScore.App.Faq.FaqCsv.Parse(text, source); break;
            case FaqPolicy: KefuScore.App.Faq.FaqPolicyLoader.Parse(text, source); break;
            case Incentives: KefuScore.App.Incentives.IncentivesLoader.Parse(text, source); break;
            default: throw new ArgumentException($"'{kind}' is not a setting ({string.Join(", ", Kinds)})", nameof(kind));
        }
    }

    public static async Task<BusinessCalendar> CalendarOf(KefuDb db, string shop, CancellationToken ct = default)
    {
        var text = await Get(db, shop, Calendar, ct);
        return CalendarLoader.Compile(CalendarLoader.Parse(text ?? AlwaysOpenCalendar, $"shop {shop} calendar"));
    }

    public static async Task<ComplaintPolicy> ComplaintPolicyOf(KefuDb db, string shop, CancellationToken ct = default)
    {
        var text = await Get(db, shop, Complaints, ct);
        return text is null ? ComplaintPolicyLoader.BuiltIn() : ComplaintPolicyLoader.Parse(text, $"shop {shop} complaint limits");
    }
}
