using System.Net;
using System.Net.Sockets;

namespace KefuScore.Web.Live;

/// <summary>
/// Where a webhook may point. A webhook makes the server send requests on a caller's behalf, so without a screen a
/// shop's key could reach the server's own loopback services, the cloud metadata address or the office network
/// (server-side request forgery). A target is refused when its URL is not http(s), carries credentials, or its host
/// resolves to ANY address that is not public (<see cref="Refusal"/>), unless an operator names the host in
/// <c>Kefu:Webhooks:AllowedHosts</c>. The screen runs when a webhook is added and again at every connection
/// (<see cref="ConnectAsync"/>): the delivery connects to exactly the address it checked, so a name that resolves to a
/// public address at registration and to 127.0.0.1 later (DNS rebinding) is still refused.
/// </summary>
public sealed class WebhookTargets
{
    public const int MaxUrlLength = 2000;

    private readonly HashSet<string> _allowed;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <param name="allowedHosts">Host names or addresses an operator lets webhooks reach even when they are internal.</param>
    /// <param name="resolve">Name resolution; tests hand in a table so that no lookup leaves the machine.</param>
    public WebhookTargets(IEnumerable<string> allowedHosts, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        _allowed = allowedHosts.Select(NormaliseHost).Where(h => h.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _resolve = resolve ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));
    }

    /// <summary><c>Kefu:Webhooks:AllowedHosts</c>: a comma-separated string or a list (<c>Kefu__Webhooks__AllowedHosts__0</c>, …).</summary>
    public static WebhookTargets From(IConfiguration config)
    {
        var section = config.GetSection("Kefu:Webhooks:AllowedHosts");
        var hosts = section.Value is { } joined
            ? joined.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value ?? "").ToArray();
        return new WebhookTargets(hosts);
    }

    public IReadOnlyCollection<string> AllowedHosts => _allowed;

    public bool IsAllowed(string host) => _allowed.Contains(NormaliseHost(host));

    /// <summary>
    /// The URL's own faults, without resolving anything: not absolute http(s), longer than 2000 characters, or with
    /// <c>user:pass@</c> (credentials would be stored and listed back in clear). Null when none.
    /// </summary>
    public static string? UrlFault(string? url, out Uri uri)
    {
        uri = null!;
        if (url is null || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            return $"expected an absolute http or https URL (at most {MaxUrlLength} characters)";
        if (parsed.UserInfo.Length > 0) return "the URL must not carry a user name or password (user:pass@)";
        if (parsed.IdnHost.Length == 0) return "the URL has no host";
        uri = parsed;
        return null;
    }

    /// <summary>
    /// Checks a webhook URL when it is added: its own faults, then every address its host resolves to. The URL to
    /// store, or the reason it is refused (naming the address, never anything the target answered).
    /// </summary>
    public async Task<(Uri? Uri, string? Error)> Check(string? url, CancellationToken ct = default)
    {
        if (UrlFault(url, out var uri) is { } fault) return (null, fault);
        try
        {
            await Addresses(uri.IdnHost, ct);
            return (uri, null);
        }
        catch (WebhookTargetRefusedException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>
    /// The addresses to connect to for <paramref name="host"/>: all of them screened (unless the host is allowed).
    /// Throws <see cref="WebhookTargetRefusedException"/> when the name does not resolve or any address is refused.
    /// </summary>
    public async Task<IPAddress[]> Addresses(string host, CancellationToken ct = default)
    {
        var name = NormaliseHost(host);
        IPAddress[] addresses;
        if (IPAddress.TryParse(name, out var literal)) addresses = [literal];
        else
        {
            try { addresses = await _resolve(name, ct); }
            catch (SocketException) { addresses = []; }
            if (addresses.Length == 0) throw new WebhookTargetRefusedException($"host '{name}' does not resolve");
        }
        if (IsAllowed(name)) return addresses;
        foreach (var address in addresses)
            if (Refusal(address) is { } reason)
                throw new WebhookTargetRefusedException($"host '{name}' resolves to {address}, a {reason} address; webhooks go to public addresses only (an operator may allow a host in Kefu:Webhooks:AllowedHosts)");
        return addresses;
    }

    /// <summary>
    /// The connection of a delivery (<see cref="SocketsHttpHandler.ConnectCallback"/>): resolves, screens and connects
    /// to one of the screened addresses, so what is checked is what is reached.
    /// </summary>
    public ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct) => ConnectAsync(context.DnsEndPoint, ct);

    /// <inheritdoc cref="ConnectAsync(SocketsHttpConnectionContext, CancellationToken)"/>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, CancellationToken ct)
    {
        var addresses = await Addresses(endPoint.Host, ct);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>
    /// Why an address is not a public destination (loopback, private, link-local, …), or null when it is. A pure
    /// function: IPv4-mapped, NAT64 and 6to4 IPv6 addresses are judged by the IPv4 address they carry.
    /// </summary>
    public static string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return Refusal(address.MapToIPv4());
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            foreach (var (prefix, bits, reason) in V4)
                if (Within(b, prefix, bits)) return reason;
            return null;
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return "non-IP";
        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address they embed.
        if (Within(b, Nat64, 96)) return Refusal(new IPAddress(b.AsSpan(12, 4)));
        if (b[0] == 0x20 && b[1] == 0x02) return Refusal(new IPAddress(b.AsSpan(2, 4)));
        foreach (var (prefix, bits, reason) in V6)
            if (Within(b, prefix, bits)) return reason;
        return null;
    }

    private static readonly byte[] Nat64 = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

    private static readonly (byte[] Prefix, int Bits, string Reason)[] V4 =
    [
        ([0], 8, "unspecified (0.0.0.0/8)"),
        ([10], 8, "private (10.0.0.0/8)"),
        ([100, 64], 10, "shared CGNAT (100.64.0.0/10)"),
        ([127], 8, "loopback"),
        ([169, 254], 16, "link-local"),
        ([172, 16], 12, "private (172.16.0.0/12)"),
        ([192, 0, 0], 24, "special-purpose (192.0.0.0/24)"),
        ([192, 0, 2], 24, "documentation"),
        ([192, 88, 99], 24, "6to4 relay"),
        ([192, 168], 16, "private (192.168.0.0/16)"),
        ([198, 18], 15, "benchmarking"),
        ([198, 51, 100], 24, "documentation"),
        ([203, 0, 113], 24, "documentation"),
        ([224], 4, "multicast"),
        ([240], 4, "reserved or broadcast"),
    ];

    private static readonly (byte[] Prefix, int Bits, string Reason)[] V6 =
    [
        (new byte[16], 128, "unspecified"),
        ([.. new byte[15], 1], 128, "loopback"),
        // The rest of ::/8 holds IPv4-compatible and other reserved forms.
        ([0], 8, "reserved"),
        ([0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, "discard-only"),
        ([0x20, 0x01, 0x00], 23, "special-purpose (2001::/23)"),
        ([0x20, 0x01, 0x0d, 0xb8], 32, "documentation"),
        ([0xfc], 7, "unique-local"),
        ([0xfe, 0x80], 10, "link-local"),
        ([0xfe, 0xc0], 10, "site-local"),
        ([0xff], 8, "multicast"),
    ];

    private static bool Within(ReadOnlySpan<byte> address, ReadOnlySpan<byte> prefix, int bits)
    {
        for (var i = 0; bits > 0; i++, bits -= 8)
        {
            var p = i < prefix.Length ? prefix[i] : (byte)0;
            var mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((address[i] & mask) != (p & mask)) return false;
        }
        return true;
    }

    private static string NormaliseHost(string host) => host.Trim().Trim('[', ']').TrimEnd('.').ToLowerInvariant();
}

/// <summary>A webhook target the screen refuses; its message names the host and the kind of address, nothing more.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);
