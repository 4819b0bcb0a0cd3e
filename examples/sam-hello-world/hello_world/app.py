"""The hello-world handler: answers GET /hello with a JSON greeting naming its table."""

import json
import os


def lambda_handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": "hello world", "table": os.environ.get("TABLE_NAME")}),
    }
