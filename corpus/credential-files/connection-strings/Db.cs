using System.Data.Odbc;
using System.Data.SqlClient;

static class Db
{
    const string Access = "Driver={Microsoft Access Driver (*.mdb, *.accdb)};Dbq=C:\\data\\acme.accdb;Uid=Admin;Pwd=Acc3ss!db;";
    const string Dsn = "DSN=acme_dw;UID=report;PWD=Wh4reh0use";
    const string Jet = "Provider=Microsoft.Jet.OLEDB.4.0;Data Source=C:\\data\\acme.mdb;Jet OLEDB:Database Password=J3tP4ss;";
    const string Trusted = "Server=sql01;Database=erp;Integrated Security=SSPI;";
    const string NoPassword = "DSN=acme_dw;UID=report;PWD=;";

    static SqlConnection Open(string password) =>
        new SqlConnection($"Server=sql01;Database=erp;User Id=app;Password={password};");
}
