using System.Text;
using KefuScore.App.Profiles;
using KefuScore.Engine.Profiles;
using KefuScore.Web.Dashboard.Export;
using KefuScore.Web.Dashboard.Profiles;

namespace KefuScore.Web.Tests.Dashboard;

public sealed class ExportAndProfileErrorTests
{
    [Fact]
    public void Csv_export_has_a_bom_quotes_what_needs_it_and_never_lets_a_cell_become_a_formula()
    {
        var table = new ExportTable("t", ["会话", "agent", "rate", "day"],
        [
            ["c1", "s1-a1", 0.875, new DateOnly(2026, 11, 20)],
            ["c,2", "=HYPERLINK(\"x\")", -0.5, null],
        ]);
        var bytes = table.ToCsv();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        Assert.Equal(
            "会话,agent,rate,day\r\nc1,s1-a1,0.875,2026-11-20\r\n\"c,2\",\"'=HYPERLINK(\"\"x\"\")\",-0.5,\r\n",
            Encoding.UTF8.GetString(bytes[3..]));
    }

    [Fact]
    public void Excel_export_is_a_workbook_with_the_header_and_rows()
    {
        var table = new ExportTable("agents", ["rank", "agent"], [[1, "s1-a1"], [2, "s1-a2"]]);
        using var stream = new MemoryStream(table.ToXlsx());
        var rows = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("s1-a2", rows[1]["agent"]);
    }

    [Fact]
    public void A_profile_error_is_placed_on_the_line_of_the_key_it_is_about()
    {
        const string yaml = """
            id: mine
            names: { zh-CN: 我的 }
            metrics:
              - id: consultations
                kind: consultations
              - id: rate
                kind: reply_within
                within: soon
            """;
        var errors = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(yaml, "mine.yaml")).Errors;
        var placed = ProfileErrors.Place(yaml, errors);
        var within = placed.Where(p => p.Error.Path.Contains("within", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(within);
        Assert.All(within, p => Assert.Equal(7, p.Line)); // 0-based: "    within: soon"
    }

    [Fact]
    public void A_yaml_syntax_error_is_placed_on_its_line()
    {
        const string yaml = "id: x\nmetrics: [\n  - a\n";
        var errors = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(yaml, "bad.yaml")).Errors;
        var placed = ProfileErrors.Place(yaml, errors);
        Assert.All(placed, p => Assert.InRange(p.Line, 0, 3));
    }
}
