using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Every object the sandbox knows, in memory, written through to a SQLite file when one is configured so that
/// state survives a restart. Callers that read, decide and write take <see cref="Gate"/> around the whole step.
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
        Load();
    }

    public StoredObject? Find(string id)
    {
        lock (Gate)
        {
            return _objects.GetValueOrDefault(id);
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
            if (!_objects.ContainsKey(stored.Id))
            {
                stored.Sequence = ++_sequence;
            }

            _objects[stored.Id] = stored;
            if (_db is not null)
            {
                using var command = _db.CreateCommand();
                command.CommandText = """
                    INSERT INTO objects (id, kind, platform, livemode, account, created, sequence, data, meta)
                    VALUES ($id, $kind, $platform, $livemode, $account, $created, $sequence, $data, $meta)
                    ON CONFLICT(id) DO UPDATE SET data = excluded.data, meta = excluded.meta;
                    """;
                command.Parameters.AddWithValue("$id", stored.Id);
                command.Parameters.AddWithValue("$kind", stored.Kind);
                command.Parameters.AddWithValue("$platform", stored.Platform);
                command.Parameters.AddWithValue("$livemode", stored.Livemode ? 1 : 0);
                command.Parameters.AddWithValue("$account", (object?)stored.Account ?? DBNull.Value);
                command.Parameters.AddWithValue("$created", stored.Created);
                command.Parameters.AddWithValue("$sequence", stored.Sequence);
                command.Parameters.AddWithValue("$data", stored.Data.ToJsonString());
                command.Parameters.AddWithValue("$meta", stored.Meta.ToJsonString());
                command.ExecuteNonQuery();
            }

            return stored;
        }
    }

    public void Delete(string id)
    {
        lock (Gate)
        {
            _objects.Remove(id);
            if (_db is not null)
            {
                using var command = _db.CreateCommand();
                command.CommandText = "DELETE FROM objects WHERE id = $id;";
                command.Parameters.AddWithValue("$id", id);
                command.ExecuteNonQuery();
            }
        }
    }

    public void Dispose() => _db?.Dispose();

    private void Load()
    {
        using var command = _db!.CreateCommand();
        command.CommandText = "SELECT id, kind, platform, livemode, account, created, sequence, data, meta FROM objects;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var stored = new StoredObject
            {
                Id = reader.GetString(0),
                Kind = reader.GetString(1),
                Platform = reader.GetString(2),
                Livemode = reader.GetInt64(3) == 1,
                Account = reader.IsDBNull(4) ? null : reader.GetString(4),
                Created = reader.GetInt64(5),
                Sequence = reader.GetInt64(6),
                Data = JsonNode.Parse(reader.GetString(7))!.AsObject(),
                Meta = JsonNode.Parse(reader.GetString(8))!.AsObject(),
            };
            _objects[stored.Id] = stored;
            _sequence = Math.Max(_sequence, stored.Sequence);
        }
    }

    private void Execute(string sql)
    {
        using var command = _db!.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
