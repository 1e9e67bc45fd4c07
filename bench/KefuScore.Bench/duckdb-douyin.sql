-- The douyin profile's daily shop metrics (SPEC §5.1) in plain DuckDB SQL, for the end-to-end comparison.
-- kefu-bench loads this file at run time and replaces {file} with the CSV path. Statements end with ';' at
-- the end of a line; the last one returns: shop, day, then the additive parts KefuScore reports.
--
-- Not modelled here: KefuScore closes a conversation after 24 h of silence (idle_close in profiles/douyin.yaml),
-- so a reply more than 24 h after the conversation's previous event does not answer earlier messages. Simulated
-- data never has such gaps; on real data this query would credit those late replies.
SET TimeZone = 'Asia/Shanghai';
WITH raw AS (
    SELECT row_number() OVER () AS line, type, id, shop, "at" AS ts, conversation, sender, kind, satisfaction, stars
    FROM read_csv('{file}', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
        columns = {
            'type': 'VARCHAR', 'id': 'VARCHAR', 'shop': 'VARCHAR', 'at': 'TIMESTAMPTZ',
            'conversation': 'VARCHAR', 'customer': 'VARCHAR', 'sender': 'VARCHAR', 'agent': 'VARCHAR',
            'kind': 'VARCHAR', 'text': 'VARCHAR', 'satisfaction': 'VARCHAR', 'stars': 'INTEGER',
            'reason': 'VARCHAR', 'order': 'VARCHAR', 'media': 'VARCHAR', 'category': 'VARCHAR',
            'action': 'VARCHAR', 'status': 'VARCHAR', 'capacity': 'INTEGER'
        })
),
-- A repeated id within a shop is a duplicate: keep the first row in file order.
ev AS (
    SELECT * EXCLUDE (line) FROM raw
    QUALIFY row_number() OVER (PARTITION BY shop, id ORDER BY line) = 1
),
msg AS (
    SELECT shop, conversation, ts, sender,
        -- first valid (human) reply at or after this message's instant in the same conversation
        min(CASE WHEN sender = 'agent' AND coalesce(kind, 'text') NOT IN ('auto', 'welcome') THEN ts END) OVER (
            PARTITION BY shop, conversation ORDER BY ts
            RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS reply_ts
    FROM ev
    WHERE type = 'message'
),
cust AS (
    SELECT shop, conversation, timezone('Asia/Shanghai', ts) AS local_at,
        date_diff('microsecond', ts, reply_ts) AS wait_us
    FROM msg
    WHERE sender = 'customer'
),
counted AS (
    SELECT shop, CAST(local_at AS DATE) AS day, wait_us
    FROM cust
    WHERE CAST(local_at AS TIME) >= TIME '09:00:00' AND CAST(local_at AS TIME) < TIME '19:00:00'
),
replies AS (
    SELECT shop, day,
        count(*) FILTER (WHERE wait_us <= 180000000) AS reply_num,
        count(*) AS reply_den,
        CAST(coalesce(sum(wait_us), 0) AS BIGINT) AS wait_sum_us,
        count(wait_us) AS wait_count,
        count(*) FILTER (WHERE wait_us IS NULL) AS unanswered
    FROM counted
    GROUP BY shop, day
),
consultations AS (
    SELECT shop, CAST(local_at AS DATE) AS day, count(DISTINCT conversation) AS consultations
    FROM cust
    GROUP BY ALL
),
rated AS (
    SELECT shop, CAST(timezone('Asia/Shanghai', ts) AS DATE) AS day,
        CASE WHEN satisfaction IS NOT NULL THEN satisfaction
             WHEN stars >= 4 THEN 'satisfied' WHEN stars = 3 THEN 'neutral' WHEN stars >= 1 THEN 'dissatisfied' END AS level
    FROM ev
    WHERE type = 'rating'
),
ratings AS (
    SELECT shop, day,
        count(*) FILTER (WHERE level = 'satisfied') AS satisfied,
        count(*) FILTER (WHERE level = 'dissatisfied') AS dissatisfied,
        count(*) AS rated
    FROM rated
    WHERE level IS NOT NULL
    GROUP BY ALL
)
SELECT shop, strftime(day, '%Y-%m-%d') AS day,
    coalesce(reply_num, 0) AS reply_num, coalesce(reply_den, 0) AS reply_den,
    coalesce(wait_sum_us, 0) AS wait_sum_us, coalesce(wait_count, 0) AS wait_count,
    coalesce(unanswered, 0) AS unanswered, coalesce(consultations, 0) AS consultations,
    coalesce(satisfied, 0) AS satisfied, coalesce(dissatisfied, 0) AS dissatisfied, coalesce(rated, 0) AS rated
FROM replies
FULL JOIN consultations USING (shop, day)
FULL JOIN ratings USING (shop, day)
ORDER BY shop, day;
