// The least a pgward agent's stack can hold resident: Kestrel serving HTTPS with the node's certificate, and one kept
// Npgsql connection over TLS asking the server what the failover probe asks, ten times a second. Nothing else: no
// failover, no heartbeats, no lease, no metrics, no command line.
// Arguments: CERT.pem KEY.pem PORT CONNECTION-STRING
using System.Security.Cryptography.X509Certificates;
using Npgsql;

var certificate = X509Certificate2.CreateFromPemFile(args[0], args[1]);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(int.Parse(args[2]), listen => listen.UseHttps(certificate)));
var app = builder.Build();
app.MapGet("/health", () => "ok");
_ = Task.Run(async () =>
{
    await using var connection = new NpgsqlConnection(args[3]);
    await connection.OpenAsync();
    while (true)
    {
        await using (var command = new NpgsqlCommand("select pg_is_in_recovery(), pg_current_wal_lsn()::text", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
            }
        }
        await Task.Delay(100);
    }
});
app.Run();
