namespace VpnPortal.Migrations.SqlServer;

/// <summary>
/// The tables of the Quartz.NET 4.7 persistent job store on SQL Server (prefix qrtz_), as Quartz's own schema script for
/// this database creates them (Quartz.Impl.AdoJobStore.Schema.create_sqlServer.sql in the Quartz package, with its
/// placeholders {0} and {1} given the prefix). The portal's migrations create them, so the scheduler's account needs no
/// rights to create tables and Quartz only validates.
/// </summary>
public static class QuartzSchema
{
    public const string TablePrefix = "qrtz_";

    /// <summary>Every statement, in order; each creates only what is missing.</summary>
    public static readonly string[] Create =
    [
        """
        IF OBJECT_ID(N'qrtz_JOB_DETAILS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_JOB_DETAILS (
            SCHED_NAME nvarchar(120) NOT NULL,
            JOB_NAME nvarchar(150) NOT NULL,
            JOB_GROUP nvarchar(150) NOT NULL,
            DESCRIPTION nvarchar(250) NULL,
            JOB_CLASS_NAME nvarchar(250) NOT NULL,
            IS_DURABLE bit NOT NULL,
            IS_NONCONCURRENT bit NOT NULL,
            IS_UPDATE_DATA bit NOT NULL,
            REQUESTS_RECOVERY bit NOT NULL,
            JOB_DATA varbinary(max) NULL,
            CONSTRAINT PK_qrtz_JOB_DETAILS PRIMARY KEY (SCHED_NAME,JOB_NAME,JOB_GROUP)
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_TRIGGERS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_TRIGGERS (
            SCHED_NAME nvarchar(120) NOT NULL,
            TRIGGER_NAME nvarchar(150) NOT NULL,
            TRIGGER_GROUP nvarchar(150) NOT NULL,
            JOB_NAME nvarchar(150) NOT NULL,
            JOB_GROUP nvarchar(150) NOT NULL,
            DESCRIPTION nvarchar(250) NULL,
            NEXT_FIRE_TIME bigint NULL,
            PREV_FIRE_TIME bigint NULL,
            PRIORITY int NULL,
            TRIGGER_STATE nvarchar(16) NOT NULL,
            TRIGGER_TYPE nvarchar(8) NOT NULL,
            START_TIME bigint NOT NULL,
            END_TIME bigint NULL,
            CALENDAR_NAME nvarchar(200) NULL,
            MISFIRE_INSTR int NULL,
            MISFIRE_ORIG_FIRE_TIME bigint NULL,
            EXECUTION_GROUP nvarchar(200) NULL,
            PREFERRED_NODE nvarchar(200) NULL,
            PREFERRED_NODE_AUTO bit NOT NULL DEFAULT 0,
            RETRY_POLICY nvarchar(250) NULL,
            RETRY_ATTEMPT int NULL,
            CONTINUES_TRIGGER_NAME nvarchar(150) NULL,
            CONTINUES_TRIGGER_GROUP nvarchar(150) NULL,
            CONTINUATION_CONDITION int NULL,
            OVERLAP_POLICY int NULL,
            PAUSE_REASON nvarchar(250) NULL,
            PAUSED_BY nvarchar(200) NULL,
            PAUSED_AT bigint NULL,
            MISFIRE_THRESHOLD bigint NULL,
            FIXED_DELAY bit NULL,
            JOB_DATA varbinary(max) NULL,
            CONSTRAINT PK_qrtz_TRIGGERS PRIMARY KEY (SCHED_NAME,TRIGGER_NAME,TRIGGER_GROUP),
            CONSTRAINT FK_qrtz_TRIGGERS_qrtz_JOB_DETAILS FOREIGN KEY (SCHED_NAME,JOB_NAME,JOB_GROUP) REFERENCES qrtz_JOB_DETAILS (SCHED_NAME,JOB_NAME,JOB_GROUP)
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_SIMPLE_TRIGGERS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_SIMPLE_TRIGGERS (
            SCHED_NAME nvarchar(120) NOT NULL,
            TRIGGER_NAME nvarchar(150) NOT NULL,
            TRIGGER_GROUP nvarchar(150) NOT NULL,
            REPEAT_COUNT int NOT NULL,
            REPEAT_INTERVAL bigint NOT NULL,
            TIMES_TRIGGERED int NOT NULL,
            CONSTRAINT PK_qrtz_SIMPLE_TRIGGERS PRIMARY KEY (SCHED_NAME,TRIGGER_NAME,TRIGGER_GROUP),
            CONSTRAINT FK_qrtz_SIMPLE_TRIGGERS_qrtz_TRIGGERS FOREIGN KEY (SCHED_NAME,TRIGGER_NAME,TRIGGER_GROUP) REFERENCES qrtz_TRIGGERS (SCHED_NAME,TRIGGER_NAME,TRIGGER_GROUP) ON DELETE CASCADE
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_CRON_TRIGGERS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_CRON_TRIGGERS (
            SCHED_NAME nvarchar(120) NOT NULL,
            TRIGGER_NAME nvarchar(150) NOT NULL,
            TRIGGER_GROUP nvarchar(150) NOT NULL,
            CRON_EXPRESSION nvarchar(120) NOT NULL,
            TIME_ZONE_ID nvarchar(80),
            CONSTRAINT PK_qrtz_CRON_TRIGGERS PRIMARY KEY (SCHED_NAME,TRIGGER_NAME,TRIGGER_GROUP),
            CONSTRAINT FK_qrtz_CRON_TRIGGERS_qrtz_TRIGGERS FOREIGN KEY (SCHED_NAME,TRIGGER_NAME,TRIGGER_GROUP) REFERENCES qrtz_TRIGGERS (SCHED_NAME,TRIGGER_NAME,TRIGGER_GROUP) ON DELETE CASCADE
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_SIMPROP_TRIGGERS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_SIMPROP_TRIGGERS (
            SCHED_NAME nvarchar(120) NOT NULL,
            TRIGGER_NAME nvarchar(150) NOT NULL,
            TRIGGER_GROUP nvarchar(150) NOT NULL,
            STR_PROP_1 nvarchar(512) NULL,
            STR_PROP_2 nvarchar(512) NULL,
            STR_PROP_3 nvarchar(512) NULL,
            INT_PROP_1 int NULL,
            INT_PROP_2 int NULL,
            LONG_PROP_1 bigint NULL,
            LONG_PROP_2 bigint NULL,
            DEC_PROP_1 numeric(13,4) NULL,
            DEC_PROP_2 numeric(13,4) NULL,
            BOOL_PROP_1 bit NULL,
            BOOL_PROP_2 bit NULL,
            TIME_ZONE_ID nvarchar(80) NULL,
            CONSTRAINT PK_qrtz_SIMPROP_TRIGGERS PRIMARY KEY (SCHED_NAME,TRIGGER_NAME,TRIGGER_GROUP),
            CONSTRAINT FK_qrtz_SIMPROP_TRIGGERS_qrtz_TRIGGERS FOREIGN KEY (SCHED_NAME,TRIGGER_NAME,TRIGGER_GROUP) REFERENCES qrtz_TRIGGERS (SCHED_NAME,TRIGGER_NAME,TRIGGER_GROUP) ON DELETE CASCADE
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_BLOB_TRIGGERS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_BLOB_TRIGGERS (
            SCHED_NAME nvarchar(120) NOT NULL,
            TRIGGER_NAME nvarchar(150) NOT NULL,
            TRIGGER_GROUP nvarchar(150) NOT NULL,
            BLOB_DATA varbinary(max) NULL,
            CONSTRAINT PK_qrtz_BLOB_TRIGGERS PRIMARY KEY (SCHED_NAME,TRIGGER_NAME,TRIGGER_GROUP)
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_CALENDARS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_CALENDARS (
            SCHED_NAME nvarchar(120) NOT NULL,
            CALENDAR_NAME nvarchar(200) NOT NULL,
            CALENDAR varbinary(max) NOT NULL,
            CONSTRAINT PK_qrtz_CALENDARS PRIMARY KEY (SCHED_NAME,CALENDAR_NAME)
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_PAUSED_TRIGGER_GRPS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_PAUSED_TRIGGER_GRPS (
            SCHED_NAME nvarchar(120) NOT NULL,
            TRIGGER_GROUP nvarchar(150) NOT NULL,
            PAUSE_REASON nvarchar(250) NULL,
            PAUSED_BY nvarchar(200) NULL,
            PAUSED_AT bigint NULL,
            CONSTRAINT PK_qrtz_PAUSED_TRIGGER_GRPS PRIMARY KEY (SCHED_NAME,TRIGGER_GROUP)
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_PAUSED_JOB_GRPS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_PAUSED_JOB_GRPS (
            SCHED_NAME nvarchar(120) NOT NULL,
            JOB_GROUP nvarchar(150) NOT NULL,
            PAUSE_REASON nvarchar(250) NULL,
            PAUSED_BY nvarchar(200) NULL,
            PAUSED_AT bigint NULL,
            CONSTRAINT PK_qrtz_PAUSED_JOB_GRPS PRIMARY KEY (SCHED_NAME,JOB_GROUP)
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_FIRED_TRIGGERS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_FIRED_TRIGGERS (
            SCHED_NAME nvarchar(120) NOT NULL,
            ENTRY_ID nvarchar(140) NOT NULL,
            TRIGGER_NAME nvarchar(150) NOT NULL,
            TRIGGER_GROUP nvarchar(150) NOT NULL,
            INSTANCE_NAME nvarchar(200) NOT NULL,
            FIRED_TIME bigint NOT NULL,
            SCHED_TIME bigint NOT NULL,
            PRIORITY int NOT NULL,
            STATE nvarchar(16) NOT NULL,
            JOB_NAME nvarchar(150) NULL,
            JOB_GROUP nvarchar(150) NULL,
            IS_NONCONCURRENT bit NULL,
            REQUESTS_RECOVERY bit NULL,
            EXECUTION_GROUP nvarchar(200) NULL,
            PROGRESS int NULL,
            PROGRESS_MESSAGE nvarchar(250) NULL,
            INTERRUPT_REQUESTED_TIME bigint NULL,
            CONSTRAINT PK_qrtz_FIRED_TRIGGERS PRIMARY KEY (SCHED_NAME,ENTRY_ID)
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_SCHEDULER_STATE', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_SCHEDULER_STATE (
            SCHED_NAME nvarchar(120) NOT NULL,
            INSTANCE_NAME nvarchar(200) NOT NULL,
            LAST_CHECKIN_TIME bigint NOT NULL,
            CHECKIN_INTERVAL bigint NOT NULL,
            QUARTZ_VERSION nvarchar(20) NULL,
            CONSTRAINT PK_qrtz_SCHEDULER_STATE PRIMARY KEY (SCHED_NAME,INSTANCE_NAME)
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_LOCKS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_LOCKS (
            SCHED_NAME nvarchar(120) NOT NULL,
            LOCK_NAME nvarchar(40) NOT NULL,
            CONSTRAINT PK_qrtz_LOCKS PRIMARY KEY (SCHED_NAME,LOCK_NAME)
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_EXECUTION_HISTORY', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_EXECUTION_HISTORY (
            SCHED_NAME nvarchar(120) NOT NULL,
            ENTRY_ID nvarchar(140) NOT NULL,
            INSTANCE_NAME nvarchar(200) NOT NULL,
            JOB_NAME nvarchar(150) NOT NULL,
            JOB_GROUP nvarchar(150) NOT NULL,
            TRIGGER_NAME nvarchar(150) NOT NULL,
            TRIGGER_GROUP nvarchar(150) NOT NULL,
            FIRED_TIME bigint NOT NULL,
            RUN_TIME bigint NOT NULL,
            SUCCEEDED bit NOT NULL,
            ERROR_MESSAGE nvarchar(1000) NULL,
            RETRY_ATTEMPT int NOT NULL DEFAULT 0,
            RETRY_SCHEDULED bit NOT NULL DEFAULT 0,
            EXECUTION_LOG nvarchar(max) NULL,
            RESULT int NULL,
            SUMMARY nvarchar(1000) NULL,
            METRICS nvarchar(max) NULL,
            MANUAL bit NULL,
            FIRE_INSTANCE_ID nvarchar(140) NULL,
            JOB_INPUT nvarchar(max) NULL,
            JOB_INPUT_TOO_LARGE bit NULL,
            CONSTRAINT PK_qrtz_EXECUTION_HISTORY PRIMARY KEY (SCHED_NAME,ENTRY_ID)
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_MISFIRE_HISTORY', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_MISFIRE_HISTORY (
            SCHED_NAME nvarchar(120) NOT NULL,
            ENTRY_ID nvarchar(140) NOT NULL,
            INSTANCE_NAME nvarchar(200) NOT NULL,
            TRIGGER_NAME nvarchar(150) NOT NULL,
            TRIGGER_GROUP nvarchar(150) NOT NULL,
            JOB_NAME nvarchar(150) NULL,
            JOB_GROUP nvarchar(150) NULL,
            MISFIRE_TIME bigint NOT NULL,
            SCHED_TIME bigint NULL,
            REASON int NULL,
            CONSTRAINT PK_qrtz_MISFIRE_HISTORY PRIMARY KEY (SCHED_NAME,ENTRY_ID)
          );
        END
        """,
        """
        IF OBJECT_ID(N'qrtz_JOB_STATUS', N'U') IS NULL
        BEGIN
          CREATE TABLE qrtz_JOB_STATUS (
            SCHED_NAME nvarchar(120) NOT NULL,
            JOB_GROUP nvarchar(150) NOT NULL,
            JOB_NAME nvarchar(150) NOT NULL,
            FIRST_FIRED_TIME bigint NOT NULL,
            LAST_FIRED_TIME bigint NOT NULL,
            LAST_RESULT int NOT NULL,
            LAST_RUN_TIME bigint NOT NULL,
            LAST_INSTANCE_NAME nvarchar(200) NOT NULL,
            LAST_ENTRY_ID nvarchar(140) NULL,
            LAST_SUMMARY nvarchar(1000) NULL,
            LAST_SUCCESS_TIME bigint NULL,
            LAST_FAILURE_TIME bigint NULL,
            LAST_FAILURE_MESSAGE nvarchar(1000) NULL,
            CONSECUTIVE_FAILURES int NOT NULL DEFAULT 0,
            RUN_COUNT bigint NOT NULL DEFAULT 0,
            FAILURE_COUNT bigint NOT NULL DEFAULT 0,
            CONSTRAINT PK_qrtz_JOB_STATUS PRIMARY KEY (SCHED_NAME,JOB_GROUP,JOB_NAME)
          );
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_J_G_N' AND object_id = OBJECT_ID('qrtz_JOB_DETAILS'))
        BEGIN
          CREATE INDEX IDX_qrtz_J_G_N ON qrtz_JOB_DETAILS(SCHED_NAME, JOB_GROUP, JOB_NAME);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_T_J' AND object_id = OBJECT_ID('qrtz_TRIGGERS'))
        BEGIN
          CREATE INDEX IDX_qrtz_T_J ON qrtz_TRIGGERS(SCHED_NAME, JOB_NAME, JOB_GROUP);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_T_G_N' AND object_id = OBJECT_ID('qrtz_TRIGGERS'))
        BEGIN
          CREATE INDEX IDX_qrtz_T_G_N ON qrtz_TRIGGERS(SCHED_NAME, TRIGGER_GROUP, TRIGGER_NAME);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_T_C' AND object_id = OBJECT_ID('qrtz_TRIGGERS'))
        BEGIN
          CREATE INDEX IDX_qrtz_T_C ON qrtz_TRIGGERS(SCHED_NAME, CALENDAR_NAME);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_T_NFT_ST' AND object_id = OBJECT_ID('qrtz_TRIGGERS'))
        BEGIN
          CREATE INDEX IDX_qrtz_T_NFT_ST ON qrtz_TRIGGERS(SCHED_NAME, TRIGGER_STATE, NEXT_FIRE_TIME ASC, PRIORITY DESC, MISFIRE_INSTR);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_FT_INST_JOB_REQ_RCVRY' AND object_id = OBJECT_ID('qrtz_FIRED_TRIGGERS'))
        BEGIN
          CREATE INDEX IDX_qrtz_FT_INST_JOB_REQ_RCVRY ON qrtz_FIRED_TRIGGERS(SCHED_NAME, INSTANCE_NAME, REQUESTS_RECOVERY);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_FT_J_G' AND object_id = OBJECT_ID('qrtz_FIRED_TRIGGERS'))
        BEGIN
          CREATE INDEX IDX_qrtz_FT_J_G ON qrtz_FIRED_TRIGGERS(SCHED_NAME, JOB_NAME, JOB_GROUP);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_FT_T_G' AND object_id = OBJECT_ID('qrtz_FIRED_TRIGGERS'))
        BEGIN
          CREATE INDEX IDX_qrtz_FT_T_G ON qrtz_FIRED_TRIGGERS(SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_EH_FIRED_TIME' AND object_id = OBJECT_ID('qrtz_EXECUTION_HISTORY'))
        BEGIN
          CREATE INDEX IDX_qrtz_EH_FIRED_TIME ON qrtz_EXECUTION_HISTORY(SCHED_NAME, FIRED_TIME);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_EH_INST' AND object_id = OBJECT_ID('qrtz_EXECUTION_HISTORY'))
        BEGIN
          CREATE INDEX IDX_qrtz_EH_INST ON qrtz_EXECUTION_HISTORY(SCHED_NAME, INSTANCE_NAME);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_MH_MISFIRE_TIME' AND object_id = OBJECT_ID('qrtz_MISFIRE_HISTORY'))
        BEGIN
          CREATE INDEX IDX_qrtz_MH_MISFIRE_TIME ON qrtz_MISFIRE_HISTORY(SCHED_NAME, MISFIRE_TIME);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_MH_INST' AND object_id = OBJECT_ID('qrtz_MISFIRE_HISTORY'))
        BEGIN
          CREATE INDEX IDX_qrtz_MH_INST ON qrtz_MISFIRE_HISTORY(SCHED_NAME, INSTANCE_NAME);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_EH_JOB_TIME' AND object_id = OBJECT_ID('qrtz_EXECUTION_HISTORY'))
        BEGIN
          CREATE INDEX IDX_qrtz_EH_JOB_TIME ON qrtz_EXECUTION_HISTORY(SCHED_NAME, JOB_GROUP, JOB_NAME, FIRED_TIME);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_EH_FIRE_INST' AND object_id = OBJECT_ID('qrtz_EXECUTION_HISTORY'))
        BEGIN
          CREATE INDEX IDX_qrtz_EH_FIRE_INST ON qrtz_EXECUTION_HISTORY(SCHED_NAME, FIRE_INSTANCE_ID);
        END
        """,
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'IDX_qrtz_EH_TRIG_TIME' AND object_id = OBJECT_ID('qrtz_EXECUTION_HISTORY'))
        BEGIN
          CREATE INDEX IDX_qrtz_EH_TRIG_TIME ON qrtz_EXECUTION_HISTORY(SCHED_NAME, TRIGGER_GROUP, TRIGGER_NAME, FIRED_TIME);
        END
        """,
    ];

    /// <summary>The tables, dependants first, for the migration's Down.</summary>
    public static readonly string[] Tables = ["qrtz_JOB_STATUS", "qrtz_MISFIRE_HISTORY", "qrtz_EXECUTION_HISTORY", "qrtz_LOCKS", "qrtz_SCHEDULER_STATE", "qrtz_FIRED_TRIGGERS", "qrtz_PAUSED_JOB_GRPS", "qrtz_PAUSED_TRIGGER_GRPS", "qrtz_CALENDARS", "qrtz_BLOB_TRIGGERS", "qrtz_SIMPROP_TRIGGERS", "qrtz_CRON_TRIGGERS", "qrtz_SIMPLE_TRIGGERS", "qrtz_TRIGGERS", "qrtz_JOB_DETAILS"];
}
