"""boto3 against the Sandbox, configured only by the AWS config file in AWS_CONFIG_FILE.
Prints one JSON object with what each check saw; the vitest suite asserts on it."""
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

instance_id, rp, sp, saml_instance, saml_rp, saml_sp = sys.argv[1:7]
out = {}


def code(fn):
    try:
        fn()
        return "ok"
    except ClientError as error:
        return f"{error.response['Error']['Code']}:{error.response['ResponseMetadata']['HTTPStatusCode']}"


alpha = boto3.Session(profile_name="sandbox-alpha").client("connect")
bravo = boto3.Session(profile_name="sandbox-bravo").client("connect")

user = dict(
    InstanceId=instance_id, Username="boto3.user", Password="Boto3Passw0rd",
    IdentityInfo={"FirstName": "Bo", "LastName": "To", "Email": "boto3.user@alpha.example.com"},
    PhoneConfig={"PhoneType": "SOFT_PHONE"}, SecurityProfileIds=[sp], RoutingProfileId=rp,
)
created = alpha.create_user(**user)
out["created"] = created["UserArn"]
out["duplicate"] = code(lambda: alpha.create_user(**user))
out["saml_password"] = code(lambda: bravo.create_user(
    InstanceId=saml_instance, Username="boto3@bravo.example.com", Password="Boto3Passw0rd",
    IdentityInfo={"FirstName": "Bo", "LastName": "To"}, SecurityProfileIds=[saml_sp], RoutingProfileId=saml_rp))
out["saml_ok"] = code(lambda: bravo.create_user(
    InstanceId=saml_instance, Username="boto3@bravo.example.com",
    IdentityInfo={"FirstName": "Bo", "LastName": "To"}, SecurityProfileIds=[saml_sp], RoutingProfileId=saml_rp))
out["isolation"] = code(lambda: bravo.describe_instance(InstanceId=instance_id))
out["described"] = alpha.describe_user(InstanceId=instance_id, UserId=created["UserId"])["User"]["Username"]

pages = list(alpha.get_paginator("list_users").paginate(InstanceId=instance_id, PaginationConfig={"PageSize": 1000}))
out["pages"] = [len(p["UserSummaryList"]) for p in pages]

found = alpha.search_users(InstanceId=instance_id, SearchCriteria={
    "StringCondition": {"FieldName": "Username", "Value": "boto3.user", "ComparisonType": "EXACT"}})
out["search"] = [u["Username"] for u in found["Users"]]

wrong = boto3.client("connect", region_name="us-east-1", endpoint_url=alpha.meta.endpoint_url,
                     aws_access_key_id=alpha._request_signer._credentials.access_key, aws_secret_access_key="wrong")
out["wrong_secret"] = code(lambda: wrong.list_instances())

ident = boto3.Session(profile_name="sandbox-alpha").client("sts").get_caller_identity()
out["whoami"] = ident["Account"]

sts = boto3.Session(profile_name="sandbox-alpha").client("sts")
out["assume_without_mfa"] = code(lambda: sts.assume_role(RoleArn="arn:aws:iam::444455556666:role/ConnectAdmin", RoleSessionName="boto3"))
creds = sts.assume_role(RoleArn="arn:aws:iam::444455556666:role/ConnectAdmin", RoleSessionName="boto3",
                        SerialNumber="arn:aws:iam::111122223333:mfa/sandbox-admin", TokenCode="123456",
                        DurationSeconds=900)["Credentials"]
role = boto3.client("connect", region_name="eu-west-2", endpoint_url=alpha.meta.endpoint_url,
                    aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"])
out["as_role"] = [i["InstanceAlias"] for i in role.list_instances()["InstanceSummaryList"]]

no_retry = boto3.Session(profile_name="sandbox-alpha").client(
    "connect", config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
out["burst"] = [code(lambda: no_retry.describe_instance(InstanceId=instance_id)) for _ in range(8)]

print(json.dumps(out))
