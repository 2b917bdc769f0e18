using System.Reflection;
using Microsoft.Data.SqlClient;

namespace VpnPortal.Data.Tests.SqlServer;

/// <summary>
/// Real SqlExceptions with a chosen error number, made by SqlClient's own factory as it makes them from a server's answer
/// (it has no public constructor; EF Core's own tests make them the same way).
/// </summary>
internal static class SqlServerErrors
{
    public const int Deadlock = 1205;
    public const int DuplicateKeyInUniqueIndex = 2601;
    public const int UniqueConstraintViolation = 2627;
    public const int ForeignKeyViolation = 547;

    public static SqlException Exception(int number, string message = "SQL Server refused the statement")
    {
        var error = (SqlError)typeof(SqlError)
            .GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, [typeof(int), typeof(byte), typeof(byte), typeof(string), typeof(string), typeof(string), typeof(int), typeof(Exception)])!
            .Invoke([number, (byte)0, (byte)16, "sql.corp.example", message, "", 1, null]);
        var errors = (SqlErrorCollection)typeof(SqlErrorCollection)
            .GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes)!
            .Invoke([]);
        typeof(SqlErrorCollection).GetMethod("Add", BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(errors, [error]);
        return (SqlException)typeof(SqlException)
            .GetMethod("CreateException", BindingFlags.NonPublic | BindingFlags.Static, [typeof(SqlErrorCollection), typeof(string)])!
            .Invoke(null, [errors, "16.00.1000"])!;
    }
}
