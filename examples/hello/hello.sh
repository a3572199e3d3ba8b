#!/bin/sh
echo "$GREETING ($(cat /srv/status))"
