#!/bin/busybox sh
# A runner written in busybox sh: proves that a custom, non-.NET image works through the provider, and
# probes the sandbox's hardening from inside. Speaks the runner protocol (docs/runner-protocol.md) for
# ping, load, run, describe and shutdown. Probe output travels in the "runner" field of a run response.
# Strategy names starting with "probe-" select a probe; any other strategy returns a small fixed backtest.

field() { printf '%s' "$line" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
number() { printf '%s' "$line" | sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p"; }
esc() { printf '%s' "$1" | tr '\n\t\r' '   ' | sed 's/\\/\\\\/g; s/"/\\"/g'; }
reply() { printf '{"id":"%s","ok":true,"runner":"%s","protocol":1}\n' "$id" "$(esc "$1")"; }

while IFS= read -r line; do
  id=$(field id)
  op=$(field op)
  case "$op" in
    ping) printf '{"id":"%s","ok":true,"runner":"busybox-sh/1","protocol":1}\n' "$id" ;;
    load) printf '{"id":"%s","ok":true}\n' "$id" ;;
    describe) printf '{"id":"%s","ok":true,"strategies":[{"name":"echo","description":"fixed result","parameters":[]}]}\n' "$id" ;;
    shutdown) printf '{"id":"%s","ok":true}\n' "$id"; exit 0 ;;
    run)
      strategy=$(field strategy)
      delay=$(number delayMs)
      if [ -n "$delay" ] && [ "$delay" -gt 0 ]; then
        sleep "$(awk "BEGIN { print $delay / 1000 }")"
      fi
      case "$strategy" in
        probe-net) reply "$(sed -n '3,$p' /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ',')" ;;
        probe-write-root) reply "$( (echo x > /probe) 2>&1; echo "rc=$?")" ;;
        probe-write-tmp) reply "$( (echo x > /tmp/probe && cat /tmp/probe) 2>&1; echo "rc=$?")" ;;
        probe-id) reply "uid=$(id -u) gid=$(id -g)" ;;
        probe-status) reply "$(grep -E '^(CapEff|CapPrm|NoNewPrivs)' /proc/self/status)" ;;
        probe-cgroup) reply "mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max) pids=$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max)" ;;
        probe-forkbomb)
          # Starts up to 200 sleepers in a subshell; with the pids limit a fork fails and the subshell
          # stops (exit 2). Counting and replying use builtins only, since every fork fails at the limit.
          ( i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i + 1)); done ) 2>/dev/null
          rc=$?
          n=0
          for p in /proc/[0-9]*; do n=$((n + 1)); done
          printf '{"id":"%s","ok":true,"runner":"processes=%s subshell_exit=%s","protocol":1}\n' "$id" "$n" "$rc"
          for p in /proc/[0-9]*; do p=${p#/proc/}; [ "$p" != 1 ] && [ "$p" != $$ ] && kill -9 "$p" 2>/dev/null; done ;;
        probe-oom)
          # Doubles a string in this very process (pid 1) until the memory limit kills it.
          s=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
          while :; do s="$s$s"; done ;;
        probe-env) reply "$(env | sort)" ;;
        probe-spawn)
          # Two children and a grandchild orphaned by its exiting parent, all sleeping: the test kills the
          # sandbox and checks that none of the three survives.
          /bin/busybox sleep 600 >/dev/null 2>&1 & a=$!
          /bin/busybox sleep 600 >/dev/null 2>&1 & b=$!
          c=$(/bin/busybox sh -c '/bin/busybox sleep 600 >/dev/null 2>&1 & echo $!')
          reply "$a $b $c" ;;
        probe-alloc)
          # Doubles a string to 128 MB at most (so a missing limit cannot take the host down), then answers.
          s=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
          i=0
          while [ $i -lt 22 ]; do s="$s$s"; i=$((i + 1)); done
          reply "allocated ${#s} bytes" ;;
        probe-forks)
          # Up to 200 sleepers, left running (a process sandbox kills them with its group and cgroup). A pids limit
          # makes a fork fail and the subshell stop (exit 2); the reply uses builtins only, as forks fail then.
          ( i=0; while [ $i -lt 200 ]; do /bin/busybox sleep 600 >/dev/null 2>&1 & i=$((i + 1)); done ) 2>/dev/null
          printf '{"id":"%s","ok":true,"runner":"subshell_exit=%s","protocol":1}\n' "$id" "$?" ;;
        probe-escape)
          # A sleeper in a session of its own: out of the runner's process group, not out of its cgroup.
          /bin/busybox setsid /bin/busybox sleep 600 >/dev/null 2>&1 &
          reply "$!" ;;
        probe-addr) reply "$(ip -4 -o addr show | sed -n 's/.* inet \([0-9.]*\)\/.*/\1/p' | grep -v '^127\.' | tr '\n' ',')" ;;
        probe-listen)
          # Answers "reached" to whoever connects on port 7000 (background, so this reply returns at once).
          ( while :; do echo reached | nc -l -p 7000; done ) >/dev/null 2>&1 &
          reply "listening" ;;
        probe-connect-*)
          # probe-connect-<ip>-<port>: what a connection attempt gets, within 3 s.
          target=${strategy#probe-connect-}
          reply "$(timeout 3 nc -w 2 "${target%-*}" "${target##*-}" </dev/null 2>&1; echo "rc=$?")" ;;
        probe-garbage) echo "this is not json" ;;
        probe-exit) exit 3 ;;
        *) printf '{"id":"%s","ok":true,"result":{"strategy":"%s","symbol":"%s","parameters":{},"signal":"Hold","position":0,"metrics":{"totalReturn":0.01,"bars":1},"trades":[],"equity":[]}}\n' "$id" "$strategy" "$(field dataset)" ;;
      esac ;;
    *) printf '{"id":"%s","ok":false,"error":{"code":"unknown_op","message":"unknown op %s"}}\n' "$id" "$(esc "$op")" ;;
  esac
done
