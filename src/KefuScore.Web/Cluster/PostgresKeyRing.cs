using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace KefuScore.Web.Cluster;

/// <summary>
/// The data-protection key ring of a cluster, in PostgreSQL: every silo signs sign-in cookies and antiforgery tokens
/// and encrypts webhook secrets with the same keys, so a browser may land on any silo and any silo can deliver a
/// shop's webhooks (a single server keeps them in its data folder).
/// </summary>
internal sealed class PostgresKeyRing(NpgsqlDataSource db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var cmd = db.CreateCommand("SELECT xml FROM cluster_keys ORDER BY name");
        using var reader = cmd.ExecuteReader();
        var all = new List<XElement>();
        while (reader.Read()) all.Add(XElement.Parse(reader.GetString(0)));
        return all;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var cmd = db.CreateCommand("INSERT INTO cluster_keys (name, xml) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET xml = EXCLUDED.xml");
        cmd.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        cmd.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        cmd.ExecuteNonQuery();
    }
}
