using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace VpnPortal.Data;

/// <summary>
/// An entity's table and column names as the model maps them, delimited for the context's provider: for the few
/// statements the portal writes in SQL of its own (the outbox's conditional insert, node signals, bulk session writes).
/// </summary>
public sealed class SqlNames
{
    private readonly IEntityType _entity;
    private readonly ISqlGenerationHelper _sql;

    private SqlNames(IEntityType entity, ISqlGenerationHelper sql)
    {
        _entity = entity;
        _sql = sql;
    }

    public static SqlNames Of<TEntity>(DbContext db) => new(db.Model.FindEntityType(typeof(TEntity))!, db.GetService<ISqlGenerationHelper>());

    public string Table => _sql.DelimitIdentifier(_entity.GetTableName()!, _entity.GetSchema());

    public string Column(string property) => Column(_entity.FindProperty(property)!);

    public string Column(IProperty property) => _sql.DelimitIdentifier(property.GetColumnName());
}
