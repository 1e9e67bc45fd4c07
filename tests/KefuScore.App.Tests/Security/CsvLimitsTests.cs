using System.Text;
using KefuScore.App.Reading;
using KefuScore.App.Tests.Reading;

namespace KefuScore.App.Tests.Security;

public sealed class CsvLimitsTests
{
    [Fact]
    public void A_csv_record_over_16_MiB_refuses_the_file_naming_the_limit()
    {
        var text = "type,id,shop,at,conversation,sender,text\nmessage,m1,s1,2026-11-20T10:00:00Z,c1,customer,\"" + new string('x', (16 << 20) + 10) + "\"\n";
        var e = Assert.Throws<InputFileException>(() => Reads.All(EventFiles.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), EventFileFormat.Csv, "big.csv")));
        Assert.Contains("limit: 16 MiB per CSV record", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 500, e.Message);
    }
}
