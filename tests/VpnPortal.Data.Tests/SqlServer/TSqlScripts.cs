using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using VpnPortal.Data.Tests.Migrations;
using VpnPortal.Migrations.SqlServer;

namespace VpnPortal.Data.Tests.SqlServer;

/// <summary>SQL Server's migration script, made without a server, and Microsoft's own T-SQL parser to read it.</summary>
internal static class TSqlScripts
{
    /// <summary>Every migration as one script a DBA can run on a database at any point of its history.</summary>
    public static string Idempotent()
    {
        using var context = OfflineContexts.Create(SqlServerProvider.Name);
        return context.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
    }

    /// <summary>What SQL Server 2022's grammar (with QUOTED_IDENTIFIER on, as SqlClient connects) finds wrong, one line each.</summary>
    public static IReadOnlyList<string> ParseErrors(string script)
    {
        using var reader = new StringReader(script);
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
        return errors.Select(e => $"line {e.Line}: {e.Message}").ToList();
    }

    /// <summary>The errors of one expression (an index filter, a default), parsed as SQL Server would read it in a statement.</summary>
    public static IReadOnlyList<string> ExpressionErrors(string sql, bool condition)
    {
        using var reader = new StringReader(sql);
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        IList<ParseError> errors;
        if (condition)
        {
            parser.ParseBooleanExpression(reader, out errors);
        }
        else
        {
            parser.ParseExpression(reader, out errors);
        }

        return errors.Select(e => e.Message).ToList();
    }
}
