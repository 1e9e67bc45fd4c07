using System.Text.Json;
using Npgsql;
using Orleans;
using Orleans.Runtime;

namespace KefuScore.Web.Cluster;

/// <summary>
/// Orleans' membership table on two tables of our own in the server's PostgreSQL database (docs/decisions.md §25):
/// <c>cluster_versions</c> holds each cluster's table version and its etag, <c>cluster_members</c> one row per silo
/// with the entry as JSON and its heartbeat in a column of its own. Every insert or update checks the table etag in the
/// same transaction that advances it (<c>SELECT … FOR UPDATE</c>), which is the whole of Orleans' contract; reads are
/// one statement, so an entry and the table version are always read from the same snapshot.
/// </summary>
internal sealed class PostgresMembership(NpgsqlDataSource db, Microsoft.Extensions.Options.IOptions<Orleans.Configuration.ClusterOptions> options) : IMembershipTable
{
    private readonly string _cluster = options.Value.ClusterId;

    /// <summary>The DDL (with the shared key ring's table, <see cref="PostgresKeyRing"/>), run under the start lock (<see cref="ClusterStart"/>): concurrent CREATE TABLE IF NOT EXISTS can fail in PostgreSQL.</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS cluster_versions (cluster_id text PRIMARY KEY, version integer NOT NULL, etag bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS cluster_members (cluster_id text NOT NULL, address text NOT NULL, entry jsonb NOT NULL,
            etag bigint NOT NULL, i_am_alive timestamptz NOT NULL, PRIMARY KEY (cluster_id, address));
        CREATE TABLE IF NOT EXISTS cluster_keys (name text PRIMARY KEY, xml text NOT NULL);
        """;

    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        await ClusterStart.EnsureSchema(db, CancellationToken.None);
        // Idempotent and race-free by itself: the first silo's row wins, the others find it.
        await using var cmd = db.CreateCommand("INSERT INTO cluster_versions (cluster_id, version, etag) VALUES ($1, 0, 0) ON CONFLICT DO NOTHING");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _cluster });
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task DeleteMembershipTableEntries(string clusterId)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command("DELETE FROM cluster_members WHERE cluster_id = $1", clusterId));
        batch.BatchCommands.Add(Command("DELETE FROM cluster_versions WHERE cluster_id = $1", clusterId));
        await batch.ExecuteNonQueryAsync();
    }

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        var all = await ReadAll();
        foreach (var (entry, _) in all.Members)
        {
            // The last sign of it: its heartbeat, or the latest vote that it is dead.
            var last = (entry.SuspectTimes ?? []).Select(s => s.Item2).Append(entry.IAmAliveTime).Max();
            if (entry.Status != SiloStatus.Dead || last >= beforeDate.UtcDateTime) continue;
            await using var cmd = db.CreateCommand("DELETE FROM cluster_members WHERE cluster_id = $1 AND address = $2");
            cmd.Parameters.Add(new NpgsqlParameter { Value = _cluster });
            cmd.Parameters.Add(new NpgsqlParameter { Value = entry.SiloAddress.ToParsableString() });
            await cmd.ExecuteNonQueryAsync();
        }
    }

    public Task<MembershipTableData> ReadRow(SiloAddress key) => Read(key.ToParsableString());

    public Task<MembershipTableData> ReadAll() => Read(null);

    private async Task<MembershipTableData> Read(string? address)
    {
        // One statement, one snapshot: the version and the rows belong together.
        await using var cmd = db.CreateCommand("""
            SELECT v.version, v.etag, m.entry, m.etag, m.i_am_alive FROM cluster_versions v
            LEFT JOIN cluster_members m ON m.cluster_id = v.cluster_id AND ($2::text IS NULL OR m.address = $2)
            WHERE v.cluster_id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = _cluster });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = address, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await cmd.ExecuteReaderAsync();
        var version = new TableVersion(0, "0");
        var rows = new List<Tuple<MembershipEntry, string>>();
        while (await reader.ReadAsync())
        {
            version = new TableVersion(reader.GetInt32(0), reader.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (reader.IsDBNull(2)) continue;
            var entry = StoredEntry.ToEntry(JsonSerializer.Deserialize<StoredEntry>(reader.GetString(2))!);
            entry.IAmAliveTime = reader.GetFieldValue<DateTime>(4);
            rows.Add(Tuple.Create(entry, reader.GetInt64(3).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return new MembershipTableData(rows, version);
    }

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => Write(entry, tableVersion,
        "INSERT INTO cluster_members (cluster_id, address, entry, etag, i_am_alive) VALUES ($1, $2, $3::jsonb, 0, $4) ON CONFLICT DO NOTHING");

    // The row etag is not checked: the table etag, checked and advanced in the same transaction, already orders every
    // change (the contract allows it), and heartbeats leave both alone.
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => Write(entry, tableVersion,
        "UPDATE cluster_members SET entry = $3::jsonb, etag = etag + 1, i_am_alive = $4 WHERE cluster_id = $1 AND address = $2");

    private async Task<bool> Write(MembershipEntry entry, TableVersion tableVersion, string sql)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var check = new NpgsqlCommand("SELECT etag FROM cluster_versions WHERE cluster_id = $1 FOR UPDATE", connection, tx))
        {
            check.Parameters.Add(new NpgsqlParameter { Value = _cluster });
            var current = await check.ExecuteScalarAsync();
            if (current is not long etag || etag.ToString(System.Globalization.CultureInfo.InvariantCulture) != tableVersion.VersionEtag) return false;
        }
        await using (var write = new NpgsqlCommand(sql, connection, tx))
        {
            write.Parameters.Add(new NpgsqlParameter { Value = _cluster });
            write.Parameters.Add(new NpgsqlParameter { Value = entry.SiloAddress.ToParsableString() });
            write.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(StoredEntry.From(entry)) });
            write.Parameters.Add(new NpgsqlParameter { Value = DateTime.SpecifyKind(entry.IAmAliveTime, DateTimeKind.Utc) });
            if (await write.ExecuteNonQueryAsync() != 1) return false;
        }
        await using (var advance = new NpgsqlCommand("UPDATE cluster_versions SET version = $2, etag = etag + 1 WHERE cluster_id = $1", connection, tx))
        {
            advance.Parameters.Add(new NpgsqlParameter { Value = _cluster });
            advance.Parameters.Add(new NpgsqlParameter { Value = tableVersion.Version });
            await advance.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        return true;
    }

    public async Task UpdateIAmAlive(MembershipEntry entry)
    {
        await using var cmd = db.CreateCommand("UPDATE cluster_members SET i_am_alive = $3 WHERE cluster_id = $1 AND address = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _cluster });
        cmd.Parameters.Add(new NpgsqlParameter { Value = entry.SiloAddress.ToParsableString() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DateTime.SpecifyKind(entry.IAmAliveTime, DateTimeKind.Utc) });
        await cmd.ExecuteNonQueryAsync();
    }

    private static NpgsqlBatchCommand Command(string sql, string value)
    {
        var c = new NpgsqlBatchCommand(sql);
        c.Parameters.Add(new NpgsqlParameter { Value = value });
        return c;
    }

    /// <summary>A membership entry as stored: plain fields, silo addresses in Orleans' parsable form.</summary>
    internal sealed record StoredEntry(string Address, int Status, int ProxyPort, string? HostName, string? SiloName, string? RoleName,
        int UpdateZone, int FaultZone, DateTime StartTime, List<StoredSuspect> Suspects)
    {
        public static StoredEntry From(MembershipEntry e) => new(e.SiloAddress.ToParsableString(), (int)e.Status, e.ProxyPort, e.HostName, e.SiloName,
            e.RoleName, e.UpdateZone, e.FaultZone, e.StartTime, [.. (e.SuspectTimes ?? []).Select(s => new StoredSuspect(s.Item1.ToParsableString(), s.Item2))]);

        public static MembershipEntry ToEntry(StoredEntry s) => new()
        {
            SiloAddress = SiloAddress.FromParsableString(s.Address), Status = (SiloStatus)s.Status, ProxyPort = s.ProxyPort,
            HostName = s.HostName ?? "", SiloName = s.SiloName ?? "", RoleName = s.RoleName, UpdateZone = s.UpdateZone, FaultZone = s.FaultZone,
            StartTime = DateTime.SpecifyKind(s.StartTime, DateTimeKind.Utc),
            SuspectTimes = [.. s.Suspects.Select(x => Tuple.Create(SiloAddress.FromParsableString(x.Address), DateTime.SpecifyKind(x.At, DateTimeKind.Utc)))],
        };
    }

    internal sealed record StoredSuspect(string Address, DateTime At);
}
