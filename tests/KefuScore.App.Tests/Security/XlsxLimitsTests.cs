using KefuScore.App.Reading;
using KefuScore.App.Tests.Cli;
using KefuScore.App.Tests.Reading;
using KefuScore.Engine.Events;
using MiniExcelLibs;

namespace KefuScore.App.Tests.Security;

/// <summary>
/// Issue 17, finding 7: an XLSX cell of 300 MB crashed <c>kefu report</c> and took the server to 6 GB. A cell over
/// 1,048,576 characters now refuses the file before MiniExcel builds the string; the file here is a cell just over.
/// </summary>
public sealed class XlsxLimitsTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string Workbook(string name, int textLength)
    {
        var path = _dir.File(name);
        MiniExcel.SaveAs(path, new List<Dictionary<string, object?>>
        {
            new() { ["type"] = "message", ["id"] = "m1", ["shop"] = "s1", ["at"] = "2026-11-20T10:00:00+08:00", ["conversation"] = "c1", ["sender"] = "customer", ["text"] = "在吗" },
            new() { ["type"] = "message", ["id"] = "m2", ["shop"] = "s1", ["at"] = "2026-11-20T10:01:00+08:00", ["conversation"] = "c1", ["sender"] = "agent", ["agent"] = "a1", ["text"] = new string('长', textLength) },
        });
        return path;
    }

    [Fact]
    public void A_cell_over_the_limit_refuses_the_file_naming_the_limit_without_quoting_it()
    {
        var path = Workbook("big.xlsx", XlsxGuard.MaxCellChars + 1);
        var e = Assert.Throws<InputFileException>(() => Reads.File(path));
        Assert.Contains("is longer than 1,048,576 characters (limit: 1,048,576 characters per cell)", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 500, e.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_cell_at_the_limit_is_read()
    {
        var (events, rejected) = Reads.File(Workbook("edge.xlsx", XlsxGuard.MaxCellChars));
        Assert.Empty(rejected);
        Assert.Equal(XlsxGuard.MaxCellChars, events[1].Text!.Length);
    }

    [Fact]
    public void Kefu_report_exits_2_with_a_short_message()
    {
        var path = Workbook("big.xlsx", XlsxGuard.MaxCellChars + 1);
        var (exit, _, stderr) = KefuCli.Run("report", "--input", path);
        Assert.Equal(2, exit);
        Assert.Contains("limit: 1,048,576 characters per cell", stderr, StringComparison.Ordinal);
        Assert.True(stderr.Length < 1_000, stderr);
    }

    [Fact]
    public void A_stream_of_a_workbook_is_checked_too()
    {
        using var stream = File.OpenRead(Workbook("big.xlsx", XlsxGuard.MaxCellChars + 1));
        Assert.Throws<InputFileException>(() => Reads.All(EventFiles.Read(stream, EventFileFormat.Xlsx, "upload.xlsx")));
    }

    public void Dispose() => _dir.Dispose();
}
