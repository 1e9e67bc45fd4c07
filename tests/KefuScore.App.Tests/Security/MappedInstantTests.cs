using KefuScore.App.Reading;
using KefuScore.App.Reading.Mapping;
using KefuScore.App.Tests.Reading;

namespace KefuScore.App.Tests.Security;

/// <summary>A mapped export's local time at the framework's edge (0001-01-01 at +08:00) is one rejected line, not a refused file.</summary>
public sealed class MappedInstantTests : IDisposable
{
    private const string Mapping = """
        fields:
          type: message
          id: { column: id }
          shop: { value: s1 }
          conversation: { column: c }
          at: { column: t, format: "yyyy-MM-dd HH:mm:ss", offset: "+08:00" }
          sender: { value: customer }
        """;

    private readonly TempDir _dir = new();

    [Fact]
    public void Local_times_at_the_edges_are_rejected_line_by_line()
    {
        var path = _dir.WriteText("in.csv", "id,c,t\n1,c1,2026-11-20 10:00:00\n2,c1,0001-01-01 00:00:00\n3,c1,9999-12-31 23:59:59\n4,c1,2100-01-01 08:00:00\n");
        var (events, rejected) = Reads.All(EventFiles.Read(path, ImportMapping.Parse(Mapping, "m.yaml")));
        Assert.Equal(["1"], events.Select(e => e.Id));
        Assert.Equal([3L, 4L, 5L], rejected.Select(r => r.Line));
        Assert.All(rejected, r => Assert.Equal("at", r.Field));
    }

    public void Dispose() => _dir.Dispose();
}
