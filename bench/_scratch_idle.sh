#!/bin/bash
# args: command...
DB=loaxa_scratch_$$
psql -q -h 127.0.0.1 -U postgres -d postgres -c "create database $DB"
S3DIR=$(mktemp -d)
export ROLE=api PORT=18123 HOST=127.0.0.1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB QUEUE_PREFIX=scratch-$$ LOG_LEVEL=warn ADMIN_TOKEN=abcdefabcdefabcdef S3_ENDPOINT=http://127.0.0.1:18124 AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
node -e "const S=require('s3rver'); new S({port:18124,address:'127.0.0.1',silent:true,directory:'$S3DIR',configureBuckets:[{name:'loa-xa'}]}).run().then(()=>console.error('s3 up'))" &
S3PID=$!
sleep 1.5
"$@" &
P=$!
for i in $(seq 1 60); do curl -sf localhost:18123/readyz >/dev/null && break; sleep 0.25; done
sleep 1
echo "$* idle: $(grep -E 'VmRSS|VmHWM' /proc/$P/status | tr -s ' \t' ' ' | tr '\n' ' ')"
kill $P; wait $P 2>/dev/null; kill $S3PID; wait $S3PID 2>/dev/null
psql -q -h 127.0.0.1 -U postgres -d postgres -c "drop database $DB with (force)"
redis-cli --scan --pattern "scratch-$$:*" | xargs -r redis-cli del >/dev/null
rm -rf $S3DIR
