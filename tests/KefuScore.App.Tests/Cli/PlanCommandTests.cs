using System.Text.Json;

namespace KefuScore.App.Tests.Cli;

public sealed class PlanCommandTests
{
    [Fact]
    public void Erlang_prints_the_published_worked_example_exactly()
    {
        var (exit, stdout, _) = KefuCli.Run("plan", "erlang", "--arrivals", "100", "--interval", "30m", "--handle", "180s",
            "--within", "20s", "--target", "0.8", "--shrinkage", "0.3", "--format", "json");
        Assert.Equal(0, exit);
        Assert.Equal("""{"raw_agents": 14, "agents": 20, "service_level": 0.888, "asa_seconds": 7.84, "occupancy": 0.714, "wait_probability": 0.174}""",
            stdout.TrimEnd());
    }

    [Fact]
    public void Erlang_with_patience_adds_the_abandon_probability()
    {
        var (exit, stdout, _) = KefuCli.Run("plan", "erlang", "--arrivals", "100", "--interval", "0.5h", "--handle", "3m",
            "--within", "20s", "--target", "0.8", "--patience", "120s", "--format", "json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.InRange(root.GetProperty("abandon_probability").GetDouble(), 0.0, 0.2);
        Assert.True(root.GetProperty("service_level").GetDouble() >= 0.8);
        Assert.Equal(root.GetProperty("raw_agents").GetInt32(), root.GetProperty("agents").GetInt32());
    }

    [Fact]
    public void Erlang_concurrency_and_occupancy_cap_change_the_agents()
    {
        var chats = KefuCli.Run("plan", "erlang", "--arrivals", "100", "--interval", "30m", "--handle", "180s",
            "--within", "20s", "--target", "0.8", "--concurrency", "3", "--format", "json");
        Assert.Contains("\"raw_agents\": 5,", chats.Out, StringComparison.Ordinal);
        var capped = KefuCli.Run("plan", "erlang", "--arrivals", "100", "--interval", "30m", "--handle", "180s",
            "--within", "20s", "--target", "0.8", "--max-occupancy", "0.7", "--format", "json");
        Assert.Contains("\"raw_agents\": 15,", capped.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Erlang_table_names_the_figures()
    {
        var (exit, stdout, _) = KefuCli.Run("plan", "erlang", "--arrivals", "100", "--interval", "30m", "--handle", "180s",
            "--within", "20s", "--target", "0.8", "--shrinkage", "0.3", "--format", "table");
        Assert.Equal(0, exit);
        Assert.Contains("agents to schedule  20", stdout, StringComparison.Ordinal);
        Assert.Contains("88.84%", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--target", "1", "--target: must be strictly between 0 and 1")]
    [InlineData("--target", "0", "--target: must be strictly between 0 and 1")]
    [InlineData("--arrivals", "0", "--arrivals: must be a positive number of contacts")]
    [InlineData("--handle", "180", "--handle: '180' is not a duration like 20s, 3m or 1h")]
    [InlineData("--interval", "30x", "--interval: '30x' is not a duration")]
    [InlineData("--shrinkage", "1", "--shrinkage: must be at least 0 and below 1")]
    [InlineData("--max-occupancy", "0", "--max-occupancy: must be above 0 and at most 1")]
    [InlineData("--concurrency", "0", "--concurrency: must be at least 1")]
    [InlineData("--patience", "0s", "--patience: must be a positive duration")]
    public void Erlang_usage_errors_exit_2_with_the_option_named(string option, string value, string message)
    {
        var args = new Dictionary<string, string>
        {
            ["--arrivals"] = "100", ["--interval"] = "30m", ["--handle"] = "180s", ["--within"] = "20s", ["--target"] = "0.8",
        };
        args[option] = value;
        var (exit, stdout, stderr) = KefuCli.Run(["plan", "erlang", .. args.SelectMany(a => new[] { a.Key, a.Value })]);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Erlang_without_its_required_options_is_a_usage_error() =>
        Assert.Equal(2, KefuCli.Run("plan", "erlang", "--arrivals", "100").Exit);
}
