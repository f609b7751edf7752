/** A policy document allowing ram:GetUser only to a session that passed MFA (issue 17's acceptance). */
export const MFA_ONLY_GET_USER = {
  Version: '1',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'ram:GetUser',
      Resource: '*',
      Condition: { Bool: { 'acs:MFAPresent': 'true' } },
    },
  ],
};
