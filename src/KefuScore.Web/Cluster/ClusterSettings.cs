using System.Net;

namespace KefuScore.Web.Cluster;

/// <summary>
/// Cluster mode's settings: <c>--cluster</c> on the command line, <c>--silo-port</c> (default 11111) and
/// <c>--gateway-port</c> (default 30000), the cluster and service ids from <c>Kefu:Cluster:Id</c> and
/// <c>Kefu:Cluster:ServiceId</c> (environment <c>Kefu__Cluster__Id</c>…, default <c>kefu</c>), the address other silos
/// reach this one at from <c>Kefu:Cluster:Address</c> (default 127.0.0.1), and PostgreSQL from
/// <c>ConnectionStrings__Kefu</c>, which cluster mode requires: membership and every silo's data live there.
/// </summary>
internal sealed record ClusterSettings(string Connection, int SiloPort, int GatewayPort, string ClusterId, string ServiceId, IPAddress Address)
{
    public const string Flag = "--cluster";

    /// <summary>
    /// Takes <c>--cluster</c> out of the arguments (the configuration's command-line reader would read the next
    /// argument as its value) and says whether it was there.
    /// </summary>
    public static (string[] Remaining, bool Cluster) Strip(string[] args)
    {
        var rest = args.Where(a => a != Flag).ToArray();
        return (rest, rest.Length != args.Length);
    }

    /// <summary>The settings, or an error that names what is missing or wrong.</summary>
    public static (ClusterSettings? Settings, string? Error) From(IConfiguration config)
    {
        var connection = config.GetConnectionString("Kefu");
        if (string.IsNullOrWhiteSpace(connection))
            return (null, "--cluster needs PostgreSQL: set ConnectionStrings__Kefu to its connection string (membership and every silo's data live there; docs/scale.md)");
        if (!Port(config["silo-port"], 11111, out var silo)) return (null, $"--silo-port: '{config["silo-port"]}' is not a port number (1–65535)");
        if (!Port(config["gateway-port"], 30000, out var gateway)) return (null, $"--gateway-port: '{config["gateway-port"]}' is not a port number (1–65535)");
        if (silo == gateway) return (null, $"--silo-port and --gateway-port are both {silo}: give them different ports");
        var address = IPAddress.Loopback;
        if (config["Kefu:Cluster:Address"] is { Length: > 0 } text && !IPAddress.TryParse(text, out address!))
            return (null, $"Kefu:Cluster:Address: '{text}' is not an IP address (the address other silos reach this one at)");
        var id = config["Kefu:Cluster:Id"] is { Length: > 0 } c ? c : "kefu";
        var service = config["Kefu:Cluster:ServiceId"] is { Length: > 0 } s ? s : "kefu";
        return (new ClusterSettings(connection, silo, gateway, id, service, address), null);
    }

    private static bool Port(string? text, int fallback, out int port)
    {
        port = fallback;
        if (string.IsNullOrEmpty(text)) return true;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
    }
}
