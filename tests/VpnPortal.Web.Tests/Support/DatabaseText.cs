using System.Text;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Web.Tests.Support;

/// <summary>Looks for a string in every column of every row of the portal's database, as text or as UTF-8 bytes.</summary>
public static class DatabaseText
{
    /// <summary>"Table.Column" for each cell that contains <paramref name="needle"/>.</summary>
    public static async Task<List<string>> FindAsync(TestDatabase database, string needle)
    {
        await using var db = database.CreateContext();
        var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct().Order().ToList();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var hits = new List<string>();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var text = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                    };
                    if (text?.Contains(needle, StringComparison.Ordinal) == true)
                    {
                        hits.Add($"{table}.{reader.GetName(i)}");
                    }
                }
            }
        }

        return hits;
    }
}
