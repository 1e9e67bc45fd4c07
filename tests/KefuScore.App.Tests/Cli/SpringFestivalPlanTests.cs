using System.Text.Json;
using KefuScore.App.Staffing;
using KefuScore.App.Tests.Reading;
using KefuScore.App.Tests.Reading.Mapping;

namespace KefuScore.App.Tests.Cli;

/// <summary>
/// The Spring Festival scenario of docs/staffing.md: a simulated history over last year's festival (the simulator
/// multiplies festival traffic by 1.4) and this January, planned for a day inside this year's festival.
/// </summary>
public sealed class SpringFestivalPlanTests : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly string[] Templates = ["early", "late", "peak"];

    [Fact]
    public void The_festival_uplift_is_learned_from_last_year_and_the_plan_meets_the_target()
    {
        var lastYear = _dir.File("sf-2026.jsonl");
        var thisYear = _dir.File("sf-2027.jsonl");
        Assert.Equal(0, KefuCli.Run("simulate", "--shops", "1", "--days", "43", "--start", "2026-01-13", "--festival", "--seed", "8", "--out", lastYear).Exit);
        Assert.Equal(0, KefuCli.Run("simulate", "--shops", "1", "--days", "29", "--start", "2027-01-01", "--festival", "--seed", "9", "--out", thisYear).Exit);

        var (exit, stdout, stderr) = KefuCli.Run("plan", "--input", lastYear, "--input", thisYear, "--date", "2027-02-01",
            "--concurrency", "3", "--shifts", Path.Combine(Repo.Root, "docs", "examples", "shifts.yaml"), "--format", "json");

        Assert.True(exit == 0, stderr);
        var forecast = JsonDocument.Parse(stdout).RootElement.GetProperty("forecast");
        Assert.Equal("learned", forecast.GetProperty("uplift_source").GetString());
        Assert.InRange(forecast.GetProperty("uplift").GetDouble(), 1.3, 1.55);
        Assert.Contains("2026-02-10..2026-02-24", forecast.GetProperty("uplift_note").GetString(), StringComparison.Ordinal);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.True(root.GetProperty("simulation").GetProperty("meets_target").GetBoolean());
        Assert.All(root.GetProperty("roster").GetProperty("shifts").EnumerateArray(),
            s => Assert.Contains(s.GetProperty("template").GetString(), Templates));
    }

    [Fact]
    public void The_example_shift_file_loads()
    {
        var templates = ShiftLoader.Load(Path.Combine(Repo.Root, "docs", "examples", "shifts.yaml"));
        Assert.Equal(["early", "late", "peak"], templates.Select(t => t.Id));
        Assert.Equal([480, 510, 540, 570, 600], templates[0].Starts);
        Assert.Equal(4, templates[2].MaxAgents);
    }

    public void Dispose() => _dir.Dispose();
}
