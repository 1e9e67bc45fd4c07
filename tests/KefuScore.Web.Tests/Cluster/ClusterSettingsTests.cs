using KefuScore.Web.Cluster;
using Microsoft.Extensions.Configuration;

namespace KefuScore.Web.Tests.Cluster;

/// <summary>Cluster mode's settings: `--cluster` is a bare flag, PostgreSQL is required, ports and ids from configuration.</summary>
public sealed class ClusterSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static readonly string[] Clustered = ["--cluster", "--urls", "http://127.0.0.1:5081"];
    private static readonly string[] Single = ["--urls", "http://127.0.0.1:5081"];

    [Fact]
    public void The_flag_is_taken_out_so_the_next_argument_keeps_its_own_meaning()
    {
        var (rest, cluster) = ClusterSettings.Strip(Clustered);
        Assert.True(cluster);
        Assert.Equal(Single, rest);
        Assert.False(ClusterSettings.Strip(Single).Cluster);
    }

    [Fact]
    public void Without_a_PostgreSQL_connection_string_cluster_mode_refuses_and_says_what_to_set()
    {
        var (settings, error) = ClusterSettings.From(Config());
        Assert.Null(settings);
        Assert.Contains("ConnectionStrings__Kefu", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ports_and_ids_come_from_configuration_with_defaults()
    {
        var (defaults, _) = ClusterSettings.From(Config(("ConnectionStrings:Kefu", "Host=127.0.0.1")));
        Assert.Equal((11111, 30000, "kefu", "kefu", "127.0.0.1"), (defaults!.SiloPort, defaults.GatewayPort, defaults.ClusterId, defaults.ServiceId, defaults.Address.ToString()));
        var (given, _) = ClusterSettings.From(Config(("ConnectionStrings:Kefu", "Host=127.0.0.1"), ("silo-port", "11112"), ("gateway-port", "30002"),
            ("Kefu:Cluster:Id", "east"), ("Kefu:Cluster:ServiceId", "kefu-prod"), ("Kefu:Cluster:Address", "10.0.0.2")));
        Assert.Equal((11112, 30002, "east", "kefu-prod", "10.0.0.2"), (given!.SiloPort, given.GatewayPort, given.ClusterId, given.ServiceId, given.Address.ToString()));
    }

    [Theory]
    [InlineData("silo-port", "70000", "--silo-port: '70000' is not a port number (1–65535)")]
    [InlineData("gateway-port", "11111", "--silo-port and --gateway-port are both 11111: give them different ports")]
    [InlineData("Kefu:Cluster:Address", "db.local", "Kefu:Cluster:Address: 'db.local' is not an IP address (the address other silos reach this one at)")]
    public void A_wrong_setting_is_named_in_the_error(string key, string value, string error)
    {
        var (settings, message) = ClusterSettings.From(Config(("ConnectionStrings:Kefu", "Host=127.0.0.1"), (key, value)));
        Assert.Null(settings);
        Assert.Equal(error, message);
    }
}
