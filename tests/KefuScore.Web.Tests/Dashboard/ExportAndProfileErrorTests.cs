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
    public void A_share_column_reads_as_a_percentage_in_csv_and_stays_a_number_in_excel()
    {
        var table = new ExportTable("overview", ["日期", new ExportColumn("3分钟人工回复率", ExportKind.Share), "考核：达标线"],
            [[new DateOnly(2026, 11, 20), 0.9373, "不达标"]]);
        Assert.Equal("日期,3分钟人工回复率,考核：达标线\r\n2026-11-20,93.73%,不达标\r\n", Encoding.UTF8.GetString(table.ToCsv()[3..]));

        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(table.ToXlsx()));
        var sheet = System.Xml.Linq.XDocument.Load(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        System.Xml.Linq.XNamespace x = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        var cell = sheet.Descendants(x + "c").Single(c => (string?)c.Attribute("r") == "B2");
        Assert.Equal("0.9373", cell.Element(x + "v")!.Value);                      // a number, not the text "93.7%"
        Assert.NotEqual("str", (string?)cell.Attribute("t"));
        var styles = System.Xml.Linq.XDocument.Load(zip.GetEntry("xl/styles.xml")!.Open());
        var xf = styles.Descendants(x + "cellXfs").Single().Elements(x + "xf").ElementAt(int.Parse((string)cell.Attribute("s")!, System.Globalization.CultureInfo.InvariantCulture));
        var format = styles.Descendants(x + "numFmt").Single(f => (string?)f.Attribute("numFmtId") == (string?)xf.Attribute("numFmtId"));
        Assert.Equal("0.0%", (string?)format.Attribute("formatCode"));
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
