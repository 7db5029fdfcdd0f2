using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Every object the sandbox knows, in memory, written through to a SQLite file when one is configured so that
/// state survives a restart. Callers that read, decide and write take <see cref="Gate"/> around the whole step.
/// Objects are keyed by <see cref="StoredObject.Key"/>: their id, qualified by their account when the caller chose
/// the id (so two accounts may each hold <c>prod_gold</c>).
/// </summary>
public sealed class SandboxStore : IDisposable
{
    private readonly Dictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private readonly SqliteConnection? _db;
    private long _sequence;

    /// <summary>Held while a request reads and changes several objects as one step.</summary>
    public Lock Gate { get; } = new();

    public SandboxStore(SandboxOptions options)
    {
        if (string.IsNullOrEmpty(options.DatabasePath))
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        _db = new SqliteConnection($"Data Source={options.DatabasePath}");
        _db.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS objects (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, platform TEXT NOT NULL, livemode INTEGER NOT NULL,
                account TEXT NULL, created INTEGER NOT NULL, sequence INTEGER NOT NULL, data TEXT NOT NULL, meta TEXT NOT NULL);
            """);
        if (!HasColumn("objects", "custom_id"))
        {
            Execute("ALTER TABLE objects ADD COLUMN custom_id INTEGER NOT NULL DEFAULT 0;");
        }

        Load();
    }

    /// <summary>An object by a generated (globally unique) id.</summary>
    public StoredObject? Find(string id)
    {
        lock (Gate)
        {
            return _objects.GetValueOrDefault(id);
        }
    }

    /// <summary>
    /// An object as seen from <paramref name="scope"/>: one whose caller-chosen id is <paramref name="id"/> in that
    /// scope, else the object with that generated id (which may belong elsewhere: callers still check who may see it).
    /// </summary>
    public StoredObject? Find(string id, StoreScope scope)
    {
        lock (Gate)
        {
            return _objects.GetValueOrDefault(scope.Qualify(id)) ?? _objects.GetValueOrDefault(id);
        }
    }

    /// <summary>Objects of one kind, newest first.</summary>
    public List<StoredObject> All(string kind, Func<StoredObject, bool>? where = null)
    {
        lock (Gate)
        {
            return _objects.Values
                .Where(o => o.Kind == kind && (where is null || where(o)))
                .OrderByDescending(o => o.Sequence)
                .ToList();
        }
    }

    /// <summary>Adds or replaces an object; a new object goes to the head of its lists.</summary>
    public StoredObject Save(StoredObject stored)
    {
        lock (Gate)
        {
            if (!_objects.ContainsKey(stored.Key))
            {
                stored.Sequence = ++_sequence;
            }

            _objects[stored.Key] = stored;
            if (_db is not null)
            {
                using var command = _db.CreateCommand();
                command.CommandText = """
                    INSERT INTO objects (id, kind, platform, livemode, account, created, sequence, data, meta, custom_id)
                    VALUES ($id, $kind, $platform, $livemode, $account, $created, $sequence, $data, $meta, $custom_id)
                    ON CONFLICT(id) DO UPDATE SET data = excluded.data, meta = excluded.meta;
                    """;
                command.Parameters.AddWithValue("$id", stored.Key);
                command.Parameters.AddWithValue("$kind", stored.Kind);
                command.Parameters.AddWithValue("$platform", stored.Platform);
                command.Parameters.AddWithValue("$livemode", stored.Livemode ? 1 : 0);
                command.Parameters.AddWithValue("$account", (object?)stored.Account ?? DBNull.Value);
                command.Parameters.AddWithValue("$created", stored.Created);
                command.Parameters.AddWithValue("$sequence", stored.Sequence);
                command.Parameters.AddWithValue("$data", stored.Data.ToJsonString());
                command.Parameters.AddWithValue("$meta", stored.Meta.ToJsonString());
                command.Parameters.AddWithValue("$custom_id", stored.CustomId ? 1 : 0);
                command.ExecuteNonQuery();
            }

            return stored;
        }
    }

    /// <summary>Removes an object by a generated id.</summary>
    public void Delete(string id) => DeleteKey(id);

    public void Delete(StoredObject stored) => DeleteKey(stored.Key);

    private void DeleteKey(string key)
    {
        lock (Gate)
        {
            _objects.Remove(key);
            if (_db is not null)
            {
                using var command = _db.CreateCommand();
                command.CommandText = "DELETE FROM objects WHERE id = $id;";
                command.Parameters.AddWithValue("$id", key);
                command.ExecuteNonQuery();
            }
        }
    }

    public void Dispose() => _db?.Dispose();

    private void Load()
    {
        using var command = _db!.CreateCommand();
        command.CommandText = "SELECT id, kind, platform, livemode, account, created, sequence, data, meta, custom_id FROM objects;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var customId = reader.GetInt64(9) == 1;
            var data = JsonNode.Parse(reader.GetString(7))!.AsObject();
            var stored = new StoredObject
            {
                Id = customId ? data["id"]!.ToString() : reader.GetString(0),
                Kind = reader.GetString(1),
                Platform = reader.GetString(2),
                Livemode = reader.GetInt64(3) == 1,
                Account = reader.IsDBNull(4) ? null : reader.GetString(4),
                Created = reader.GetInt64(5),
                Sequence = reader.GetInt64(6),
                CustomId = customId,
                Data = data,
                Meta = JsonNode.Parse(reader.GetString(8))!.AsObject(),
            };
            _objects[stored.Key] = stored;
            _sequence = Math.Max(_sequence, stored.Sequence);
        }
    }

    private bool HasColumn(string table, string column)
    {
        using var command = _db!.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = $column;";
        command.Parameters.AddWithValue("$column", column);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private void Execute(string sql)
    {
        using var command = _db!.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
